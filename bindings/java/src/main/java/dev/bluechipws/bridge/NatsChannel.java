package dev.bluechipws.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bluechipws.bridge.model.ErrorData;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A terminal served by {@code bluechip agent}: request/reply on {@code bluechip.<site>.<terminal>.<method>}
 * (the body is the params, the answer the bridge's JSON-RPC response), progress and notifications on
 * {@code bluechip-events.<site>.<terminal>.…}. The caller owns the NATS connection.
 */
public final class NatsChannel implements Channel {
  /** The agent answers once the flow is final: wait as long as the terminal may (as the TypeScript remote). */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(200);

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final String CALL_ID = "Bluechip-Call-Id";
  private static final Map<String, String> EVENTS = Map.of(
      "state", "terminal.state",
      "diagnostic", "terminal.diagnostic",
      "unclaimed", "outcome.unclaimed",
      "reconciled", "terminal.reconciled");

  private final Connection connection;
  private final String requestPrefix;
  private final Duration requestTimeout;
  private final Dispatcher dispatcher;
  private final Map<String, ProgressListener> progress = new ConcurrentHashMap<>();
  private final List<Consumer<Notification>> listeners = new CopyOnWriteArrayList<>();

  public NatsChannel(Connection connection, String site, String terminal, Duration requestTimeout) {
    if (!TOKEN.matcher(site).matches() || !TOKEN.matcher(terminal).matches()) {
      throw new IllegalArgumentException("site and terminal are 1-64 characters of A-Z a-z 0-9 _ -");
    }
    this.connection = connection;
    this.requestPrefix = "bluechip." + site + "." + terminal + ".";
    this.requestTimeout = requestTimeout;
    String events = "bluechip-events." + site + "." + terminal + ".";
    this.dispatcher = connection.createDispatcher();
    dispatcher.subscribe(events + "flow.*", this::onProgress);
    dispatcher.subscribe(events + "*", this::onEvent);
  }

  @Override
  public boolean namesTerminalInParams() {
    return false;
  }

  @Override
  public CompletableFuture<JsonNode> call(String method, ObjectNode params, ProgressListener listener) {
    String callId = UUID.randomUUID().toString();
    Headers headers = new Headers().add(CALL_ID, callId);
    Message request = NatsMessage.builder()
        .subject(requestPrefix + method)
        .headers(headers)
        .data(Json.write(params).getBytes(StandardCharsets.UTF_8))
        .build();
    if (listener != null) progress.put(callId, listener);
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    CompletableFuture<Message> reply;
    try {
      reply = connection.requestWithTimeout(request, requestTimeout);
    } catch (RuntimeException e) {
      progress.remove(callId);
      result.completeExceptionally(unreachable("cannot send: " + e.getMessage()));
      return result;
    }
    reply.whenComplete((message, error) -> {
      progress.remove(callId);
      if (error == null) {
        answer(message, result);
      } else {
        result.completeExceptionally(failure(error, System.nanoTime() < deadline));
      }
    });
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) reply.cancel(true); // stops the waiting; the agent finishes and records the flow
    });
    return result;
  }

  private static void answer(Message message, CompletableFuture<JsonNode> result) {
    if (message.isStatusMessage()) {
      result.completeExceptionally(message.getStatus().isNoResponders()
          ? unreachable("no agent serves this terminal")
          : new BridgeGoneException("NATS status " + message.getStatus().getCode()));
      return;
    }
    String text = Json.decodeUtf8(message.getData(), message.getData().length);
    JsonNode body = text == null || message.getData().length > Json.MAX_MESSAGE_BYTES ? null : Json.parse(text);
    if (body == null || !body.isObject()) {
      result.completeExceptionally(new TerminalProtocolException("the agent's answer is not a JSON-RPC response",
          ErrorData.builder().code("bad_response").outcomeUnknown(true)
              .action("The agent may have run it: look the outcome up by its idempotency key before retrying.").build()));
      return;
    }
    JsonNode error = body.get("error");
    if (error != null && error.isObject()) {
      result.completeExceptionally(Bridge.errorOf(error));
    } else {
      JsonNode value = body.get("result");
      result.complete(value == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : value);
    }
  }

  /**
   * A request that got no answer. "No responders" (nothing subscribed: nothing was sent to a terminal) is
   * reported by jnats as a status exception, or as a cancellation before the deadline when the connection
   * does not report it; anything else may have reached the agent: outcome unknown.
   */
  private static RuntimeException failure(Throwable error, boolean beforeDeadline) {
    Throwable cause = Futures.unwrap(error);
    if (cause instanceof JetStreamStatusException status && status.getStatus().isNoResponders()) {
      return unreachable("no agent serves this terminal");
    }
    if (cause instanceof CancellationException && beforeDeadline) {
      return unreachable("no agent serves this terminal");
    }
    return new BridgeGoneException("no answer from the agent: " + cause);
  }

  private static UnreachableException unreachable(String message) {
    return new UnreachableException(message, ErrorData.builder().code("unreachable")
        .action("Nothing was sent: start the agent (or check its site and terminal names), then retry.")
        .outcomeUnknown(false).build());
  }

  private void onProgress(Message message) {
    JsonNode params = body(message);
    if (params == null) return;
    ProgressListener listener = progress.get(params.path("requestId").asText(""));
    if (listener != null) Bridge.deliver(listener, params);
  }

  private void onEvent(Message message) {
    String subject = message.getSubject();
    String method = EVENTS.get(subject.substring(subject.lastIndexOf('.') + 1));
    JsonNode params = body(message);
    if (method == null || params == null) return;
    Notification note = new Notification(method, params);
    for (Consumer<Notification> listener : listeners) {
      try {
        listener.accept(note);
      } catch (RuntimeException e) {
        System.getLogger(NatsChannel.class.getName()).log(System.Logger.Level.WARNING, "listener failed", e);
      }
    }
  }

  private static JsonNode body(Message message) {
    byte[] data = message.getData();
    if (data == null || data.length > Json.MAX_MESSAGE_BYTES) return null;
    String text = Json.decodeUtf8(data, data.length);
    JsonNode node = text == null ? null : Json.parse(text);
    return node != null && node.isObject() ? node : null;
  }

  @Override
  public AutoCloseable onNotification(Consumer<Notification> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Unsubscribes; the connection stays the caller's. */
  @Override
  public void close() {
    connection.closeDispatcher(dispatcher);
  }
}
