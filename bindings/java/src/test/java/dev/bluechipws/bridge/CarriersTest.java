package dev.bluechipws.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bluechipws.bridge.model.FlowProgressNotification;
import dev.bluechipws.bridge.model.FlowProgressNotificationType;
import dev.bluechipws.bridge.model.Outcome;
import dev.bluechipws.bridge.model.OutcomeKind;
import dev.bluechipws.bridge.model.SaleParams;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import dev.bluechipws.bridge.model.TerminalOpenParamsSimulator;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The two other carriers: a {@code serve --listen} bridge over WebSocket, and an agent over NATS. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CarriersTest {
  @TempDir
  Path work;

  private static final TerminalOpenParams SIMULATOR = TerminalOpenParams.builder()
      .simulator(TerminalOpenParamsSimulator.builder().eventDelayMs(0L).build()).build();

  @Test
  void webSocketBridgeWithItsToken() throws Exception {
    String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    try (Processes.Child serve = new Processes.Child(
        Processes.cli("serve", "--listen", "127.0.0.1:0", "--token", token), null)) {
      String line = serve.await(l -> l.startsWith("listening ws://"), 60);
      URI uri = URI.create(line.substring("listening ".length()).split(" ")[0]);

      UnreachableException refused = assertThrows(UnreachableException.class,
          () -> Terminal.openWebSocket(uri, "not-the-token-at-all", SIMULATOR));
      assertEquals("connect_failed", refused.dataCode());
      assertFalse(refused.outcomeUnknown());

      try (Terminal terminal = Terminal.openWebSocket(uri, token, SIMULATOR)) {
        saleWithProgressThenDecline(terminal);
      }
    }
  }

  @Test
  void natsAgent() throws Exception {
    Assumptions.assumeTrue(onPath("nats-server"), "nats-server is not installed: the NATS carrier is not tried");
    try (Processes.Child server = new Processes.Child(List.of("nats-server", "-a", "127.0.0.1", "-p", "-1", "-js",
        "-sd", work.resolve("js").toString()), null)) {
      String listening = server.await(l -> l.contains("Listening for client connections on"), 60);
      String address = listening.substring(listening.lastIndexOf(' ') + 1).trim();
      server.await(l -> l.contains("Server is ready"), 60);
      String nats = "nats://" + address;
      Path config = work.resolve("agent.json");
      Files.writeString(config, "{\"site\":\"store1\",\"nats\":{\"servers\":[\"" + nats + "\"]},"
          + "\"terminals\":[{\"id\":\"lane1\",\"simulator\":{\"eventDelayMs\":0},\"journalDir\":\""
          + work.resolve("lane1").toString().replace("\\", "\\\\") + "\"}]}", StandardCharsets.UTF_8);
      try (Processes.Child agent = new Processes.Child(Processes.cli("agent", "--config", config.toString()), null);
           Connection connection = Nats.connect(nats)) {
        agent.await(l -> l.startsWith("serving store1"), 60);
        try (Terminal terminal = Terminal.nats(connection, "store1", "lane1")) {
          saleWithProgressThenDecline(terminal);
          InvalidParamsException bad = assertThrows(InvalidParamsException.class,
              () -> terminal.sale(SaleParams.builder().amount(-1L).build()));
          assertEquals("params.amount", bad.path());
        }
        // Nothing subscribed to that terminal: nothing was sent.
        try (Terminal nobody = Terminal.nats(connection, "store1", "lane9", Duration.ofSeconds(30))) {
          UnreachableException none = assertThrows(UnreachableException.class, nobody::status);
          assertFalse(none.outcomeUnknown());
        }
      }
    }
  }

  @Test
  void aNatsAnswerThatIsNotJsonRpcIsTypedNotLost() throws Exception {
    Assumptions.assumeTrue(onPath("nats-server"), "nats-server is not installed: the NATS carrier is not tried");
    try (Processes.Child server = new Processes.Child(List.of("nats-server", "-a", "127.0.0.1", "-p", "-1"), null)) {
      String listening = server.await(l -> l.contains("Listening for client connections on"), 60);
      server.await(l -> l.contains("Server is ready"), 60);
      try (Connection connection = Nats.connect("nats://" + listening.substring(listening.lastIndexOf(' ') + 1).trim())) {
        // A hostile responder on the terminal's subject: invalid UTF-8, then a JSON array.
        Dispatcher fake = connection.createDispatcher(m -> connection.publish(m.getReplyTo(),
            m.getSubject().endsWith(".sale") ? new byte[] {(byte) 0xff, (byte) 0xfe} : "[1]".getBytes(StandardCharsets.UTF_8)));
        fake.subscribe("bluechip.store1.lane1.>");
        connection.flush(Duration.ofSeconds(10));
        try (Terminal terminal = Terminal.nats(connection, "store1", "lane1", Duration.ofSeconds(30))) {
          TerminalProtocolException bad = assertThrows(TerminalProtocolException.class,
              () -> terminal.sale(SaleParams.builder().amount(100L).build()));
          assertTrue(bad.outcomeUnknown());
          assertThrows(TerminalProtocolException.class, terminal::status);
        }
      }
    }
  }

  private static void saleWithProgressThenDecline(Terminal terminal) throws Exception {
    List<FlowProgressNotification> seen = new CopyOnWriteArrayList<>();
    Outcome approved = terminal.sale(SaleParams.builder().amount(1234L).idempotencyKey("carrier-1").build(), seen::add);
    assertEquals(OutcomeKind.APPROVED, approved.kind());
    assertEquals(1234L, approved.result().transactionAmount());
    assertEquals(FlowProgressNotificationType.STARTED, seen.get(0).type());
    assertEquals(approved.flowId(), seen.get(0).flowId());
    Outcome replayed = terminal.saleAsync(SaleParams.builder().amount(1234L).idempotencyKey("carrier-1").build())
        .get(60, TimeUnit.SECONDS);
    assertEquals(approved.flowId(), replayed.flowId());
    assertEquals(OutcomeKind.DECLINED, terminal.sale(SaleParams.builder().amount(200L).build()).kind());
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) return true;
    }
    return false;
  }
}
