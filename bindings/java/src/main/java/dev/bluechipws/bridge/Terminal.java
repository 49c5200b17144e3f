package dev.bluechipws.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import dev.bluechipws.bridge.model.TerminalOpenResult;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One payment terminal behind a bridge or an agent. Every operation has a blocking form
 * ({@code sale(params)}: returns the {@link dev.bluechipws.bridge.model.Outcome} or throws a typed
 * {@link BluechipException}) and a {@link CompletableFuture} form ({@code saleAsync(params)}); payment
 * operations also take a {@link ProgressListener}. A declined card is an outcome, not an exception.
 *
 * <pre>{@code
 * try (Terminal terminal = Terminal.openStdio(TerminalOpenParams.builder().url("ws://192.168.1.20:50000")
 *     .journalDir("/var/lib/pos/journal").build())) {
 *   Outcome outcome = terminal.sale(SaleParams.builder().amount(1234L).idempotencyKey("order-42").build());
 * }
 * }</pre>
 */
public final class Terminal extends TerminalOperations implements AutoCloseable {
  private final Channel channel;
  private final String terminalId;
  private final TerminalOpenResult opened;
  private final boolean ownsChannel;

  Terminal(Channel channel, String terminalId, TerminalOpenResult opened, boolean ownsChannel) {
    this.channel = channel;
    this.terminalId = terminalId;
    this.opened = opened;
    this.ownsChannel = ownsChannel;
  }

  /** Starts a bridge of its own ({@code node} + the embedded bundle) and opens one terminal on it. */
  public static Terminal openStdio(TerminalOpenParams params) {
    return openStdio(StdioBridge.Options.defaults(), params);
  }

  public static Terminal openStdio(StdioBridge.Options options, TerminalOpenParams params) {
    return owning(StdioBridge.start(options), params);
  }

  /** Connects to a {@code bluechip serve --listen} bridge and opens one terminal on it. */
  public static Terminal openWebSocket(java.net.URI uri, String token, TerminalOpenParams params) {
    return owning(Bridge.webSocket(uri, token), params);
  }

  /**
   * A terminal served by a {@code bluechip agent} ({@code site}, {@code terminal}: its subject tokens),
   * over a NATS connection the caller owns. The agent's config opened it: no {@code terminal.open}.
   */
  public static Terminal nats(Connection connection, String site, String terminal) {
    return nats(connection, site, terminal, NatsChannel.DEFAULT_REQUEST_TIMEOUT);
  }

  public static Terminal nats(Connection connection, String site, String terminal, Duration requestTimeout) {
    return new Terminal(new NatsChannel(connection, site, terminal, requestTimeout), terminal, null, true);
  }

  private static Terminal owning(Bridge bridge, TerminalOpenParams params) {
    try {
      Terminal borrowed = bridge.open(params);
      return new Terminal(bridge, borrowed.terminalId, borrowed.opened, true);
    } catch (RuntimeException e) {
      bridge.close();
      throw e;
    }
  }

  /** The id the bridge gave this terminal (the agent's terminal name over NATS). */
  public String terminalId() {
    return terminalId;
  }

  /** What {@code terminal.open} answered (url, journal kind, the reconciliation on open); null over NATS. */
  public TerminalOpenResult opened() {
    return opened;
  }

  /** The carrier: a {@link Bridge} (stdio, WebSocket) or a {@link NatsChannel}. */
  public Channel channel() {
    return channel;
  }

  /** This terminal's notifications ({@code terminal.state}, {@code outcome.unclaimed}…). */
  public AutoCloseable onNotification(Consumer<Notification> listener) {
    return channel.onNotification(note -> {
      JsonNode id = note.params().path("terminalId");
      if (id.isMissingNode() || terminalId.equals(id.asText())) listener.accept(note);
    });
  }

  /**
   * Any bridge method with JSON params, untyped (the terminal id is added where the carrier needs it):
   * for a method newer than this binding. Prefer the typed methods.
   */
  public CompletableFuture<JsonNode> request(String method, ObjectNode params) {
    return call(method, params, true, JsonNode.class, null);
  }

  @Override
  protected <T> CompletableFuture<T> call(
      String method, Object params, boolean withTerminal, Class<T> resultType, ProgressListener listener) {
    ObjectNode node = params == null ? Json.MAPPER.createObjectNode()
        : params instanceof ObjectNode given ? given.deepCopy() : Json.MAPPER.valueToTree(params);
    if (withTerminal && channel.namesTerminalInParams()) node.put("terminalId", terminalId);
    CompletableFuture<JsonNode> raw = channel.call(method, node, listener);
    CompletableFuture<T> typed = raw.thenApply(result -> Json.decode(result, resultType));
    typed.whenComplete((r, e) -> {
      if (typed.isCancelled()) raw.cancel(true); // cancelling the typed future cancels the call
    });
    return typed;
  }

  /**
   * {@code terminal.close} (over a bridge), then closes the carrier when this handle owns it. Running
   * calls settle first: the bridge journals and acks them.
   */
  @Override
  public void close() {
    try {
      if (channel.namesTerminalInParams() && !(channel instanceof Bridge b && b.isClosed())) {
        ObjectNode params = Json.MAPPER.createObjectNode().put("terminalId", terminalId);
        channel.call("terminal.close", params, null).get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      // closing anyway
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
    } finally {
      if (ownsChannel) channel.close();
    }
  }
}
