package dev.bluechipws.bridge;

import dev.bluechipws.bridge.model.ErrorData;

/**
 * An error answered by the bridge (or the carrier): the JSON-RPC {@link #code()}, and the library's
 * {@code data.code}, {@code data.action}, {@code data.path}, {@code data.flowId} and
 * {@code data.outcomeUnknown}. The subclasses, one per JSON-RPC code, are generated from the OpenRPC
 * document. A declined card is never an exception: it is an {@link dev.bluechipws.bridge.model.Outcome}.
 */
public class BluechipException extends RuntimeException {
  private final int code;
  private final ErrorData data;

  public BluechipException(int code, String message, ErrorData data) {
    super(message);
    this.code = code;
    this.data = data; // null when the error carried no data: the accessors below then answer null
  }

  /** The JSON-RPC error code (-32602, -32002…). */
  public int code() {
    return code;
  }

  /** The error's data as the bridge sent it, or null when it sent none. */
  public ErrorData data() {
    return data;
  }

  /** The library's typed code: {@code busy}, {@code outcome_unknown}, {@code invalid_amount}… */
  public String dataCode() {
    return data == null ? null : data.code();
  }

  /** What the caller should do. */
  public String action() {
    return data == null ? null : data.action();
  }

  /** For invalid params: the offending field, e.g. {@code params.amount}. */
  public String path() {
    return data == null ? null : data.path();
  }

  public String flowId() {
    return data == null ? null : data.flowId();
  }

  /** True when the request may have reached the terminal: never resend blind, reuse the idempotency key. */
  public boolean outcomeUnknown() {
    return data != null && Boolean.TRUE.equals(data.outcomeUnknown());
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + code + " " + dataCode() + "): " + getMessage();
  }
}
