package dev.bluechipws.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bluechipws.bridge.model.ErrorData;
import dev.bluechipws.bridge.model.FlowProgressNotification;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import dev.bluechipws.bridge.model.TerminalOpenResult;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A JSON-RPC 2.0 connection to {@code bluechip serve}: ids, pending calls, progress routing and
 * notifications. Subclasses carry the text ({@link StdioBridge}, {@link WebSocketBridge}); they call
 * {@link #receive(String)} for every message and {@link #carrierClosed(String)} once, at the end.
 * One bridge may hold several terminals ({@link #open}).
 */
public abstract class Bridge implements Channel {
  private static final System.Logger LOG = System.getLogger(Bridge.class.getName());

  private record Pending(CompletableFuture<JsonNode> future, ProgressListener listener) {}

  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final List<Consumer<Notification>> listeners = new CopyOnWriteArrayList<>();
  private volatile String closedReason;

  /** Starts {@code bluechip serve --stdio} from the bundle embedded in this jar (needs {@code node}). */
  public static StdioBridge stdio() {
    return StdioBridge.start(StdioBridge.Options.defaults());
  }

  public static StdioBridge stdio(StdioBridge.Options options) {
    return StdioBridge.start(options);
  }

  /** Connects to {@code bluechip serve --listen} with its bearer token. */
  public static WebSocketBridge webSocket(URI uri, String token) {
    return WebSocketBridge.connect(uri, token, Duration.ofSeconds(10));
  }

  /** {@code terminal.open}: a handle on one terminal of this bridge (closing it leaves the bridge open). */
  public Terminal open(TerminalOpenParams params) {
    return Futures.await(openAsync(params));
  }

  public CompletableFuture<Terminal> openAsync(TerminalOpenParams params) {
    ObjectNode node = Json.MAPPER.valueToTree(params);
    return call("terminal.open", node, null)
        .thenApply(result -> {
          TerminalOpenResult opened = Json.decode(result, TerminalOpenResult.class);
          return new Terminal(this, opened.terminalId(), opened, false);
        });
  }

  @Override
  public boolean namesTerminalInParams() {
    return true;
  }

  @Override
  public CompletableFuture<JsonNode> call(String method, ObjectNode params, ProgressListener listener) {
    return send(ids.incrementAndGet(), method, params, listener);
  }

  /** A call and its JSON-RPC id: {@link #cancelRequest(long)} then stops the waiting, the answer still comes. */
  record Sent(long id, CompletableFuture<JsonNode> answer) {}

  Sent sendTracked(String method, ObjectNode params, ProgressListener listener) {
    long id = ids.incrementAndGet();
    return new Sent(id, send(id, method, params, listener));
  }

  private CompletableFuture<JsonNode> send(long id, String method, ObjectNode params, ProgressListener listener) {
    CompletableFuture<JsonNode> future = new CompletableFuture<>();
    if (closedReason != null) {
      future.completeExceptionally(closed("nothing was sent: " + closedReason));
      return future;
    }
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null) request.set("params", params);
    pending.put(id, new Pending(future, listener));
    future.whenComplete((result, error) -> {
      // A cancelled future: stop the bridge's waiting too (the flow itself goes on and is journaled).
      if (pending.remove(id) != null && future.isCancelled()) cancelRequest(id);
    });
    try {
      sendText(Json.write(request));
    } catch (RuntimeException e) {
      if (pending.remove(id) != null) future.completeExceptionally(new BridgeGoneException("send failed: " + e.getMessage()));
    }
    if (closedReason != null && pending.remove(id) != null) {
      future.completeExceptionally(new BridgeGoneException(closedReason));
    }
    return future;
  }

  /** {@code $/cancelRequest}: the bridge stops waiting for call {@code id} (the flow goes on). */
  void cancelRequest(long id) {
    if (closedReason != null) return;
    ObjectNode note = Json.MAPPER.createObjectNode();
    note.put("jsonrpc", "2.0").put("method", "$/cancelRequest").putObject("params").put("id", id);
    try {
      sendText(Json.write(note));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cancel not sent", e);
    }
  }

  @Override
  public AutoCloseable onNotification(Consumer<Notification> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Sends one message; throws when the carrier cannot. */
  protected abstract void sendText(String text);

  /** One message from the bridge (a response, a notification, or a batch of them). */
  protected final void receive(String text) {
    JsonNode message = Json.parse(text);
    if (message == null) {
      LOG.log(System.Logger.Level.WARNING, "bridge sent a message that is not JSON; ignored");
      return;
    }
    if (message.isArray()) {
      int n = 0;
      for (JsonNode element : message) if (n++ < 1024) handleSafely(element);
    } else {
      handleSafely(message);
    }
  }

  /** One message's fault never stops the reader: the calls behind it must still get their answers. */
  private void handleSafely(JsonNode message) {
    try {
      handle(message);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "bridge message not handled", e);
    }
  }

  private void handle(JsonNode message) {
    if (!message.isObject()) return;
    JsonNode method = message.get("method");
    if (method != null && method.isTextual()) {
      notification(method.asText(), message.path("params"));
      return;
    }
    JsonNode id = message.get("id");
    if (id == null || !id.canConvertToLong()) return; // not one of ours (ids are our counter)
    Pending call = pending.remove(id.asLong());
    if (call == null) return;
    JsonNode error = message.get("error");
    if (error != null && error.isObject()) {
      call.future.completeExceptionally(errorOf(error));
    } else {
      JsonNode result = message.get("result");
      call.future.complete(result == null ? NullNode.getInstance() : result);
    }
  }

  /** A JSON-RPC error object → its typed exception (shared with the NATS channel). */
  static BluechipException errorOf(JsonNode error) {
    int code = error.path("code").asInt(-32603);
    String message = error.path("message").asText("bridge error");
    ErrorData data;
    try {
      data = Json.decode(error.get("data"), ErrorData.class);
    } catch (BluechipException e) {
      data = null;
    }
    return ErrorCodes.exception(code, message, data);
  }

  private void notification(String method, JsonNode params) {
    if (method.equals("flow.progress")) {
      JsonNode requestId = params.path("requestId");
      Pending call = requestId.canConvertToLong() ? pending.get(requestId.asLong()) : null;
      if (call != null && call.listener != null) {
        deliver(call.listener, params);
      }
      return;
    }
    Notification note = new Notification(method, params);
    for (Consumer<Notification> listener : listeners) {
      try {
        listener.accept(note);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "notification listener failed", e);
      }
    }
  }

  static void deliver(ProgressListener listener, JsonNode params) {
    try {
      listener.onProgress(Json.decode(params, FlowProgressNotification.class));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "progress listener failed", e);
    }
  }

  /** The carrier ended: every waiting call fails (its outcome may be unknown), later calls fail at once. */
  protected final void carrierClosed(String reason) {
    if (closedReason != null) return;
    closedReason = reason;
    for (Long id : List.copyOf(pending.keySet())) {
      Pending call = pending.remove(id);
      if (call != null) call.future.completeExceptionally(new BridgeGoneException("bridge closed: " + reason));
    }
  }

  /** True once the carrier has ended. */
  public boolean isClosed() {
    return closedReason != null;
  }

  private static ClosedException closed(String message) {
    return new ClosedException(message, ErrorData.builder().code("closed")
        .action(ErrorCodes.ACTIONS.get("closed")).outcomeUnknown(false).build());
  }
}
