package dev.bluechipws.bridge;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bluechip serve --listen} over the JDK's WebSocket client: one JSON message per text message,
 * authenticated with the bridge's bearer token.
 */
public final class WebSocketBridge extends Bridge {
  private final Object sendLock = new Object();
  private volatile WebSocket socket;

  private WebSocketBridge() {}

  static WebSocketBridge connect(URI uri, String token, Duration timeout) {
    WebSocketBridge bridge = new WebSocketBridge();
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    try {
      bridge.socket = client.newWebSocketBuilder()
          .header("Authorization", "Bearer " + token)
          .connectTimeout(timeout)
          .buildAsync(uri, bridge.new Reader())
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new UnreachableException("cannot connect to the bridge at " + uri + ": " + cause.getMessage(),
          dev.bluechipws.bridge.model.ErrorData.builder().code("connect_failed").outcomeUnknown(false)
              .action("Nothing was sent. Check the bridge's address and token, then retry.").build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting", e);
    }
    return bridge;
  }

  @Override
  protected void sendText(String text) {
    // The JDK allows one outstanding send per socket: serialize them.
    synchronized (sendLock) {
      try {
        socket.sendText(text, true).get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("WebSocket send failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sending", e);
      }
    }
  }

  @Override
  public void close() {
    WebSocket ws = socket;
    if (ws == null) return;
    try {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the peer is gone already
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ws.abort();
    carrierClosed("closed by the caller");
  }

  /** Reassembles text messages (bounded) and hands them to the dispatcher. */
  private final class Reader implements WebSocket.Listener {
    private final StringBuilder parts = new StringBuilder();
    private boolean tooLarge;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (!tooLarge) {
        parts.append(data);
        if (parts.length() > Json.MAX_MESSAGE_BYTES) {
          tooLarge = true;
          parts.setLength(0);
        }
      }
      if (last) {
        String text = tooLarge ? null : parts.toString();
        parts.setLength(0);
        tooLarge = false;
        if (text != null) receive(text);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      carrierClosed("WebSocket closed (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      carrierClosed("WebSocket failed: " + error.getMessage());
    }
  }
}
