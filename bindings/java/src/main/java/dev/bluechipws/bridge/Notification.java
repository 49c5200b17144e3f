package dev.bluechipws.bridge;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A notification from the bridge to every caller ({@code terminal.state}, {@code outcome.unclaimed}…).
 * {@link #as(Class)} decodes its params into the generated record of that name.
 */
public record Notification(String method, JsonNode params) {
  public <T> T as(Class<T> type) {
    return Json.decode(params, type);
  }
}
