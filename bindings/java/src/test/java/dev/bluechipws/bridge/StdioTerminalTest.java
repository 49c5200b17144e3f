package dev.bluechipws.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bluechipws.bridge.model.SimulatorCustomerParamsAction;
import dev.bluechipws.bridge.model.SimulatorCustomerParams;
import dev.bluechipws.bridge.model.FlowProgressNotification;
import dev.bluechipws.bridge.model.FlowProgressNotificationType;
import dev.bluechipws.bridge.model.Outcome;
import dev.bluechipws.bridge.model.OutcomeGetParams;
import dev.bluechipws.bridge.model.OutcomeGetResultState;
import dev.bluechipws.bridge.model.OutcomeKind;
import dev.bluechipws.bridge.model.ReportParams;
import dev.bluechipws.bridge.model.ReportParamsReportType;
import dev.bluechipws.bridge.model.SaleParams;
import dev.bluechipws.bridge.model.SettlementParams;
import dev.bluechipws.bridge.model.TerminalInfoParams;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import dev.bluechipws.bridge.model.TerminalOpenParamsSimulator;
import dev.bluechipws.bridge.model.Timeouts;
import dev.bluechipws.bridge.model.VoidParams;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The binding over stdio: the embedded bundle run with node, the bridge's built-in simulator. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StdioTerminalTest {
  static StdioBridge bridge;
  static Terminal terminal;

  static TerminalOpenParams fastSimulator() {
    return TerminalOpenParams.builder()
        .simulator(TerminalOpenParamsSimulator.builder().eventDelayMs(0L).build())
        .build();
  }

  @BeforeAll
  static void start() {
    bridge = Bridge.stdio(Processes.bridgeOptions());
    terminal = bridge.open(fastSimulator());
  }

  @AfterAll
  static void stop() {
    if (terminal != null) terminal.close();
    if (bridge != null) bridge.close();
  }

  @Test
  void otherOperationsThroughTheirTypedMethods() {
    Terminal other = bridge.open(fastSimulator());
    try {
      assertEquals(OutcomeKind.COMPLETED, other.terminalInfo(TerminalInfoParams.builder().build()).kind());
      assertEquals("settlement", other.settlement(SettlementParams.builder().build()).type());
      assertEquals("summary_report", other.report(ReportParams.builder().reportType(ReportParamsReportType.SUMMARY_REPORT).build()).type());
      assertEquals(0L, other.status().inFlight());
      assertEquals(List.of(), other.journalOpenFlows().flows());
      assertEquals(0L, other.reconcile().unresolved());
    } finally {
      other.close();
    }
  }

  @Test
  void saleIsApprovedWithProgress() {
    List<FlowProgressNotification> seen = new CopyOnWriteArrayList<>();
    Outcome outcome = terminal.sale(SaleParams.builder().amount(1234L).idempotencyKey("java-1").build(), seen::add);
    assertEquals(OutcomeKind.APPROVED, outcome.kind());
    assertEquals("sale", outcome.type());
    assertEquals(1234L, outcome.result().transactionAmount());
    assertEquals(FlowProgressNotificationType.STARTED, seen.get(0).type());
    assertEquals(outcome.flowId(), seen.get(0).flowId());

    Outcome again = terminal.sale(SaleParams.builder().amount(1234L).idempotencyKey("java-1").build());
    assertEquals(outcome.flowId(), again.flowId());
    assertEquals(Boolean.TRUE, again.replayed());
    var record = terminal.outcomeGet(OutcomeGetParams.builder().idempotencyKey("java-1").build());
    assertEquals(OutcomeKind.APPROVED, record.outcome().kind());
    assertNull(terminal.outcomeGet(OutcomeGetParams.builder().idempotencyKey("never").build()));

    Outcome voided = terminal.voidTransaction(VoidParams.builder().referenceNo(outcome.result().referenceNo()).build());
    assertEquals(OutcomeKind.APPROVED, voided.kind());
  }

  @Test
  void declinedCardIsAnOutcome() throws Exception {
    CompletableFuture<Outcome> future = terminal.saleAsync(SaleParams.builder().amount(200L).build());
    assertEquals(OutcomeKind.DECLINED, future.get(60, TimeUnit.SECONDS).kind());
  }

  @Test
  void invalidParamsAreTypedWithTheField() {
    InvalidParamsException bad = assertThrows(InvalidParamsException.class,
        () -> terminal.sale(SaleParams.builder().amount(100_000_000L).build()));
    assertEquals(-32602, bad.code());
    assertEquals("params.amount", bad.path());
    assertFalse(bad.outcomeUnknown());
    assertNotNull(bad.action());
    assertThrows(NullPointerException.class, () -> SaleParams.builder().build(), "amount is required");
  }

  @Test
  void aClosedTerminalIsUnknownToTheBridge() {
    Terminal other = bridge.open(fastSimulator());
    other.close();
    UnknownTerminalException gone = assertThrows(UnknownTerminalException.class, other::status);
    assertEquals("unknown_terminal", gone.dataCode());
  }

  @Test
  void anOccupiedTerminalIsABusyException() {
    Terminal other = bridge.open(interactiveSimulator());
    try {
      assertTrue(other.simulatorCustomer(SimulatorCustomerParams.builder().action(SimulatorCustomerParamsAction.BUSY).build()).accepted());
      BusyException busy = assertThrows(BusyException.class,
          () -> other.sale(SaleParams.builder().amount(100L).build()));
      assertEquals(-32001, busy.code());
      assertEquals("terminal_busy", busy.dataCode());
      assertFalse(busy.outcomeUnknown());
    } finally {
      other.close();
    }
  }

  @Test
  void noEventAfterStartedIsAnOutcomeUnknownException() throws Exception {
    // 204: the simulated terminal answers "started", then never sends an event; the event-gap bound ends the
    // wait (whatever the machine's speed: the event never comes) and the journal keeps the flow as unknown.
    CompletableFuture<Outcome> future = terminal.saleAsync(SaleParams.builder().amount(204L)
        .idempotencyKey("java-unknown").timeouts(Timeouts.builder().eventGapMs(300L).build()).build());
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> future.get(60, TimeUnit.SECONDS));
    OutcomeUnknownException unknown = assertInstanceOf(OutcomeUnknownException.class, thrown.getCause());
    assertEquals(-32002, unknown.code());
    assertEquals("event_timeout", unknown.dataCode());
    assertTrue(unknown.outcomeUnknown());
    assertNotNull(unknown.flowId());
    var record = terminal.outcomeGet(OutcomeGetParams.builder().idempotencyKey("java-unknown").build());
    assertEquals(OutcomeGetResultState.UNKNOWN, record.state());
    assertEquals(unknown.flowId(), record.flowId());
  }

  @Test
  void cancellingTheFutureStopsTheWaitingNotTheFlow() throws Exception {
    Terminal other = bridge.open(interactiveSimulator());
    try {
      CompletableFuture<Notification> unclaimed = new CompletableFuture<>();
      other.onNotification(n -> {
        if (n.method().equals("outcome.unclaimed")) unclaimed.complete(n);
      });
      CompletableFuture<FlowProgressNotification> started = new CompletableFuture<>();
      CompletableFuture<Outcome> sale = other.saleAsync(
          SaleParams.builder().amount(1500L).idempotencyKey("java-cancel").build(), started::complete);
      started.get(60, TimeUnit.SECONDS);
      assertTrue(sale.cancel(true));
      assertThrows(CancellationException.class, sale::join);
      // The bridge reads a connection's lines in order: once this answer is in, the cancel was handled.
      other.status();
      // The customer approves after the caller stopped waiting: the flow ran on, its outcome is announced
      // as unclaimed and outcome.get has it.
      assertTrue(other.simulatorCustomer(SimulatorCustomerParams.builder().action(SimulatorCustomerParamsAction.APPROVE).build()).accepted());
      Notification note = unclaimed.get(60, TimeUnit.SECONDS);
      assertEquals("unsubscribed", note.params().path("reason").asText());
      var record = other.outcomeGet(OutcomeGetParams.builder().idempotencyKey("java-cancel").build());
      assertEquals(OutcomeKind.APPROVED, record.outcome().kind());
    } finally {
      other.close();
    }
  }

  static TerminalOpenParams interactiveSimulator() {
    return TerminalOpenParams.builder()
        .simulator(TerminalOpenParamsSimulator.builder().eventDelayMs(0L).interactive(true).build())
        .build();
  }
}
