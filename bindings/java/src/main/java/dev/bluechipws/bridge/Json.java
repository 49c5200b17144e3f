package dev.bluechipws.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The one JSON mapper: bounded in nesting and size (what the bridge sends is read as untrusted). */
public final class Json {
  /** Deepest nesting accepted from the bridge (an outcome's raw resource is a few levels deep). */
  public static final int MAX_DEPTH = 64;
  /** Largest message accepted, in bytes (the bridge's own default bound is 1 MiB). */
  public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // 12.34 must never become 12 cents: a float where an integer is expected is an error.
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(MAX_DEPTH)
        .maxStringLength(MAX_MESSAGE_BYTES)
        .maxNumberLength(64)
        .build());
  }

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Parses one message; null when it is not JSON (or too deep). */
  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Strict UTF-8: invalid bytes give null, never replacement characters. */
  static String decodeUtf8(byte[] bytes, int length) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  static <T> T decode(JsonNode node, Class<T> type) {
    if (node == null || node.isNull() || node.isMissingNode()) return null;
    if (type == JsonNode.class) return type.cast(node);
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw new BluechipException(-32603, "the bridge sent a " + type.getSimpleName() + " this binding cannot read: "
          + e.getOriginalMessage(), null);
    }
  }
}
