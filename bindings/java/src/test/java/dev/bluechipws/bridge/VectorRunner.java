package dev.bluechipws.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bluechipws.bridge.model.FlowProgressNotification;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the shared conformance vectors through the typed API. Everything about the vector format is in this
 * one class. The format read (a file holds one vector, an array of them, or {@code {"vectors": [...]}}):
 *
 * <pre>
 * { "name": "…", "open": { terminal.open params, e.g. "simulator": { "eventDelayMs": 0 } },
 *   "steps": [ { "method": "sale", "params": { … without terminalId … },
 *                "expect": { "result": { partial outcome } | "error": { "code": -32602, "data": { "code": … } },
 *                            "progress": [ "started" ] } } ] }
 * </pre>
 *
 * {@code expect.result} and {@code expect.error} match partially: every key given must be equal, others are
 * free. Params go through the method's generated record when they fit it (so the records are exercised
 * both ways); params the record cannot hold (a float amount, a misspelt key) are sent as raw JSON, so the
 * bridge's refusal is what is checked.
 */
final class VectorRunner {
  record Vector(String file, String name, JsonNode open, List<JsonNode> steps) {}

  private VectorRunner() {}

  /** The shared vectors (bindings/vectors/*.json), else this binding's own copy (src/test/vectors). */
  static Path directory() {
    Path shared = Processes.repo().resolve("bindings/vectors");
    return Files.isDirectory(shared) ? shared : Processes.repo().resolve("bindings/java/src/test/vectors");
  }

  static List<Vector> load(Path directory) throws IOException {
    List<Vector> vectors = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path file : files) {
      JsonNode root = Json.MAPPER.readTree(file.toFile());
      JsonNode items = root.isArray() ? root : root.has("vectors") ? root.get("vectors") : Json.MAPPER.createArrayNode().add(root);
      for (JsonNode v : items) {
        List<JsonNode> steps = new ArrayList<>();
        JsonNode given = v.has("steps") ? v.get("steps") : v.path("calls");
        given.forEach(steps::add);
        String name = v.path("name").asText(v.path("id").asText(file.getFileName().toString()));
        vectors.add(new Vector(file.getFileName().toString(), name, v.path("open"), steps));
      }
    }
    return vectors;
  }

  /** Runs one vector on a new terminal of {@code bridge}; returns what did not match (empty: passed). */
  static List<String> run(Bridge bridge, Vector vector) {
    JsonNode openParams = vector.open().isObject() ? vector.open()
        : Json.MAPPER.createObjectNode().set("simulator", Json.MAPPER.createObjectNode().put("eventDelayMs", 0));
    List<String> failures = new ArrayList<>();
    try (Terminal terminal = bridge.open(Json.decode(openParams, TerminalOpenParams.class))) {
      int index = 0;
      for (JsonNode step : vector.steps()) {
        String where = vector.name() + " step " + index++;
        failures.addAll(runStep(terminal, step, where));
      }
    }
    return failures;
  }

  private static List<String> runStep(Terminal terminal, JsonNode step, String where) {
    String method = step.has("method") ? step.get("method").asText() : step.path("call").asText();
    ObjectNode params = step.path("params").isObject() ? (ObjectNode) step.get("params").deepCopy() : Json.MAPPER.createObjectNode();
    params.remove("terminalId");
    JsonNode expect = step.path("expect");
    List<FlowProgressNotification> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    JsonNode actual;
    BluechipException error = null;
    try {
      actual = invoke(terminal, method, params, progress::add);
    } catch (BluechipException e) {
      actual = null;
      error = e;
    }
    List<String> failures = new ArrayList<>();
    if (expect.has("error")) {
      if (error == null) {
        failures.add(where + ": expected error " + expect.get("error") + ", got result " + actual);
      } else {
        ObjectNode got = Json.MAPPER.createObjectNode().put("code", error.code()).put("message", error.getMessage());
        got.set("data", Json.MAPPER.valueToTree(error.data()));
        match(expect.get("error"), got, where + ": error", failures);
      }
    } else if (error != null) {
      failures.add(where + ": unexpected " + error);
    } else if (expect.has("result")) {
      match(expect.get("result"), actual, where + ": result", failures);
    }
    if (expect.has("progress")) {
      List<String> types = progress.stream().map(p -> p.type().wire()).toList();
      List<String> want = new ArrayList<>();
      expect.get("progress").forEach(t -> want.add(t.asText()));
      if (!types.subList(0, Math.min(want.size(), types.size())).equals(want)) {
        failures.add(where + ": progress " + types + ", expected to start with " + want);
      }
    }
    return failures;
  }

  /**
   * Calls {@code method} through its generated Java method (params decoded into its record and the result
   * encoded back to JSON), or raw when the params do not fit the record or the method is not generated.
   */
  static JsonNode invoke(Terminal terminal, String method, ObjectNode params, ProgressListener listener) {
    Method chosen = null;
    String java = TerminalOperations.METHODS.get(method);
    for (Method m : TerminalOperations.class.getMethods()) {
      if (java == null || !m.getName().equals(java)) continue;
      Class<?>[] types = m.getParameterTypes();
      boolean withListener = types.length > 0 && types[types.length - 1] == ProgressListener.class;
      if (withListener || chosen == null) chosen = m; // the progress form when there is one
    }
    Object typed = null;
    if (chosen != null && chosen.getParameterCount() > 0 && chosen.getParameterTypes()[0] != ProgressListener.class) {
      typed = fit(params, chosen.getParameterTypes()[0]);
      if (typed == null) chosen = null;
    } else if (!params.isEmpty()) {
      chosen = null;
    }
    if (chosen == null) return Futures.await(terminal.request(method, params));
    List<Object> args = new ArrayList<>();
    if (typed != null) args.add(typed);
    int count = chosen.getParameterCount();
    if (count > 0 && chosen.getParameterTypes()[count - 1] == ProgressListener.class) args.add(listener);
    try {
      Object result = chosen.invoke(terminal, args.toArray());
      return result == null ? Json.MAPPER.nullNode() : Json.MAPPER.valueToTree(result);
    } catch (InvocationTargetException e) {
      throw Futures.unwrap(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The params as the record, or null when the record cannot hold them exactly (then they go raw). */
  private static Object fit(ObjectNode params, Class<?> type) {
    try {
      Object typed = Json.MAPPER.treeToValue(params, type);
      return Json.MAPPER.readTree(Json.write(typed)).equals(Json.MAPPER.readTree(params.toString())) ? typed : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Partial match: every key of {@code expected} equal in {@code actual}, recursively. */
  static void match(JsonNode expected, JsonNode actual, String where, List<String> failures) {
    if (expected.isObject()) {
      if (actual == null || !actual.isObject()) {
        failures.add(where + ": expected an object like " + expected + ", got " + actual);
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        match(f.getValue(), actual.get(f.getKey()), where + "." + f.getKey(), failures);
      }
    } else if (expected.isNumber() && actual != null && actual.isNumber()) {
      if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) failures.add(where + ": " + actual + " ≠ " + expected);
    } else if (!expected.equals(actual)) {
      failures.add(where + ": " + actual + " ≠ " + expected);
    }
  }
}
