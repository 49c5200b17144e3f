package dev.bluechipws.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bluechipws.bridge.model.Outcome;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the bridge writes is read as untrusted: junk is skipped, a vanished bridge fails the waiting call. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileBridgeTest {
  private static StdioBridge fake(String script) {
    return Bridge.stdio(StdioBridge.Options.defaults().withCommand(List.of("sh", "-c", script)));
  }

  @Test
  void junkLinesAreSkippedAndTheAnswerStillArrives() {
    // After reading the request: invalid UTF-8, a truncated JSON value, a too-deep value, an answer to an
    // id nobody asked, then the real answer.
    String deep = "[".repeat(200) + "]".repeat(200);
    String script = "read line; printf '\\377\\376\\n{\"jsonrpc\":\"2.0\",\"id\":1,\n" + deep
        + "\\n{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}\\n"
        + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"terminalId\":\"t9\",\"url\":\"ws://x\",\"journal\":\"memory\"}}\\n'; cat > /dev/null";
    try (StdioBridge bridge = fake(script)) {
      Terminal terminal = bridge.open(TerminalOpenParams.builder().url("ws://127.0.0.1:1").build());
      assertEquals("t9", terminal.terminalId());
    }
  }

  @Test
  void aBridgeThatExitsFailsTheWaitingCallAsOutcomeUnknown() {
    try (StdioBridge bridge = fake("read line; echo 'dying' >&2; exit 3")) {
      BridgeGoneException gone = assertThrows(BridgeGoneException.class,
          () -> bridge.open(TerminalOpenParams.builder().url("ws://127.0.0.1:1").build()));
      assertTrue(gone.outcomeUnknown());
      assertTrue(gone.getMessage().contains("exited 3"), gone.getMessage());
      assertTrue(gone.getMessage().contains("dying"), gone.getMessage());
      assertThrows(ClosedException.class, () -> bridge.open(TerminalOpenParams.builder().url("ws://x").build()));
    }
  }

  @Test
  void aBridgeErrorIsMappedToItsTypedException() {
    String script = "read line; printf '%s\\n' '{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,"
        + "\"message\":\"busy\",\"data\":{\"code\":\"terminal_busy\",\"action\":\"retry\",\"outcomeUnknown\":false}}}'; cat > /dev/null";
    try (StdioBridge bridge = fake(script)) {
      BusyException busy = assertThrows(BusyException.class,
          () -> bridge.open(TerminalOpenParams.builder().url("ws://127.0.0.1:1").build()));
      assertEquals("terminal_busy", busy.dataCode());
      assertEquals(-32001, busy.code());
    }
  }

  @Test
  void anErrorWithoutDataIsStillTyped() {
    String script = "read line; printf '%s\\n' '{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,"
        + "\"message\":\"bad\"}}'; cat > /dev/null";
    try (StdioBridge bridge = fake(script)) {
      InvalidParamsException bad = assertThrows(InvalidParamsException.class,
          () -> bridge.open(TerminalOpenParams.builder().url("ws://127.0.0.1:1").build()));
      assertEquals("bad", bad.getMessage());
      assertEquals(null, bad.dataCode());
      assertFalse(bad.outcomeUnknown());
    }
  }

  @Test
  void theBridgeCommandIsSplitLikeAShellDoes() {
    assertEquals(List.of("/usr/bin/node", "/a b/bin.js", "serve", "--stdio", "it's"),
        StdioBridge.splitCommand("\"/usr/bin/node\"  '/a b/bin.js' serve\t--stdio it\\'s"));
    assertThrows(IllegalArgumentException.class, () -> StdioBridge.splitCommand("node 'open"));
    assertThrows(IllegalArgumentException.class, () -> StdioBridge.splitCommand("   "));
  }

  @Test
  void aFractionWhereCentsAreExpectedIsRefusedNotTruncated() {
    BluechipException bad = assertThrows(BluechipException.class,
        () -> Json.decode(Json.parse("{\"kind\":\"approved\",\"result\":{\"transactionAmount\":12.34}}"), Outcome.class));
    assertTrue(bad.getMessage().contains("Outcome"), bad.getMessage());
  }

  @Test
  void aLineLargerThanTheBoundIsDroppedAndTheNextOneRead() {
    // 5 MiB with no newline (over Json.MAX_MESSAGE_BYTES), then the answer on the next line.
    String script = "read line; head -c 5242880 /dev/zero | tr '\\0' 'x'; printf '\\n%s\\n' "
        + "'{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"terminalId\":\"t7\",\"url\":\"ws://x\",\"journal\":\"memory\"}}'; cat > /dev/null";
    try (StdioBridge bridge = fake(script)) {
      assertEquals("t7", bridge.open(TerminalOpenParams.builder().url("ws://127.0.0.1:1").build()).terminalId());
    }
  }
}
