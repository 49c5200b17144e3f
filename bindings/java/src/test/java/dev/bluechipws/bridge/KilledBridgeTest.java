package dev.bluechipws.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bluechipws.bridge.model.FlowProgressNotification;
import dev.bluechipws.bridge.model.Outcome;
import dev.bluechipws.bridge.model.OutcomeKind;
import dev.bluechipws.bridge.model.ReconcileReportFlow;
import dev.bluechipws.bridge.model.ReconcileReportFlowVerdict;
import dev.bluechipws.bridge.model.SaleParams;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop across the process boundary: the stdio bridge is killed (SIGKILL) mid-sale. The waiting call fails
 * as outcome unknown; the next open on the same journal recovers the sale from the terminal; a retry with
 * the same idempotency key replays it; the terminal (a simulator process of its own) saw one sale.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KilledBridgeTest {
  // 204: "started", then no event until the link closes; the sale is then approved and recorded, so a
  // recall on the next connection finds it. The kill is certain to land mid-sale, on any machine.
  private static final long CENTS = 204;

  @TempDir
  Path journal;

  @Test
  void theNextOpenRecoversAndTheRetryReplays() throws Exception {
    try (Processes.Simulator simulator = new Processes.Simulator(0)) {
      TerminalOpenParams open = TerminalOpenParams.builder().url(simulator.url).journalDir(journal.toString()).build();
      SaleParams sale = SaleParams.builder().amount(CENTS).idempotencyKey("order-kill-1").build();

      StdioBridge first = Bridge.stdio(Processes.bridgeOptions());
      CompletableFuture<FlowProgressNotification> started = new CompletableFuture<>();
      CompletableFuture<Outcome> waiting;
      try {
        Terminal terminal = first.open(open);
        waiting = terminal.saleAsync(sale, started::complete);
        String flowId = started.get(60, TimeUnit.SECONDS).flowId();
        assertNotNull(flowId);
        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(60, TimeUnit.SECONDS));
        BridgeGoneException gone = assertInstanceOf(BridgeGoneException.class, failed.getCause());
        assertTrue(gone.outcomeUnknown());
      } finally {
        first.close();
      }

      try (Terminal again = Terminal.openStdio(Processes.bridgeOptions(), open)) {
        // Reconciled on open: the journal held the sale open; the terminal's last transaction is it.
        ReconcileReportFlow recovered = again.opened().reconciled().flows().stream()
            .filter(f -> "order-kill-1".equals(f.idempotencyKey())).findFirst().orElseThrow(
                () -> new AssertionError("not reconciled on open: " + again.opened()));
        assertEquals(ReconcileReportFlowVerdict.RECOVERED, recovered.verdict());
        assertEquals(OutcomeKind.APPROVED, recovered.outcome().kind());

        Outcome replayed = again.sale(sale);
        assertEquals(OutcomeKind.APPROVED, replayed.kind());
        assertEquals(Boolean.TRUE, replayed.replayed());
        assertEquals(recovered.flowId(), replayed.flowId());
      }
      assertEquals(1, simulator.sales(CENTS), String.join("\n", simulator.child.lines));
    }
  }
}
