package dev.bluechipws.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How a {@link Terminal}'s calls travel: a JSON-RPC connection to a bridge ({@link Bridge}: stdio or
 * WebSocket), or an agent's NATS subjects ({@link NatsChannel}).
 */
public interface Channel extends AutoCloseable {
  /**
   * One call. Completes with the result (a JSON null for a null result), or exceptionally with a
   * {@link BluechipException}. Cancelling the future stops the waiting ({@code $/cancelRequest}), never the
   * flow on the terminal.
   */
  CompletableFuture<JsonNode> call(String method, ObjectNode params, ProgressListener listener);

  /** True when params name their terminal ({@code terminalId}); false when the subject does (NATS). */
  boolean namesTerminalInParams();

  /** Subscribes to the bridge's notifications; the returned handle unsubscribes. */
  AutoCloseable onNotification(Consumer<Notification> listener);

  @Override
  void close();
}
