package dev.bluechipws.bridge;

import dev.bluechipws.bridge.model.ErrorData;

/**
 * The carrier ended (the bridge process exited, the socket closed, the NATS request got no answer in
 * time) while a call waited. The call may have reached the terminal: an {@link OutcomeUnknownException}
 * whose {@code data.code} is {@code bridge_gone}; look the outcome up by its idempotency key.
 */
public class BridgeGoneException extends OutcomeUnknownException {
  public BridgeGoneException(String message) {
    super(message, ErrorData.builder().code("bridge_gone").action(
        "The bridge is gone: open again; the next open reconciles, and a retry with the same idempotencyKey returns the outcome.")
        .outcomeUnknown(true).build());
  }
}
