package dev.bluechipws.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import dev.bluechipws.bridge.model.TerminalOpenResult;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs the shared conformance vectors ({@code bindings/vectors/*.json}, format in their README) through this
 * binding. Everything about the format is in this one class. A call that waits goes through the method's
 * generated Java method when its params fit the generated record exactly (so the records are exercised both
 * ways: params encoded, results decoded and compared); params the record cannot hold (a float amount, a
 * misspelt key, another terminal's id) are sent as they are, so the bridge's answer is what is checked.
 * Calls that do not wait ({@code "wait": false}) are sent raw with their JSON-RPC id, so {@code cancel} can
 * name them.
 */
final class VectorRunner {
  private static final int WAIT_SECONDS = 60;

  record Vector(String file, String name, String about, ObjectNode open, boolean journal, List<JsonNode> steps,
      JsonNode frames) {}

  private VectorRunner() {}

  /** {@code -Dbluechip.vectors=DIR}, else the repository's {@code bindings/vectors}; null when neither exists. */
  static Path directory() {
    String given = System.getProperty("bluechip.vectors");
    Path dir = given != null && !given.isBlank() ? Path.of(given) : Processes.repo().resolve("bindings/vectors");
    return Files.isDirectory(dir) ? dir : null;
  }

  static List<Vector> load(Path directory) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    List<Vector> vectors = new ArrayList<>();
    for (Path file : files) {
      JsonNode v = Json.MAPPER.readTree(file.toFile());
      if (!v.isObject() || !v.path("steps").isArray() || !v.path("open").isObject()) {
        throw new IllegalArgumentException(file + ": not a vector (an object with open and steps)");
      }
      List<JsonNode> steps = new ArrayList<>();
      v.get("steps").forEach(steps::add);
      vectors.add(new Vector(file.getFileName().toString(), v.path("name").asText(file.getFileName().toString()),
          v.path("about").asText(""), (ObjectNode) v.get("open"), v.path("journal").asBoolean(false), steps,
          v.get("frames")));
    }
    return vectors;
  }

  /** A call sent without waiting: its id (for {@code cancel}), its answer, and its "started" progress. */
  private record Named(long id, CompletableFuture<JsonNode> answer, CompletableFuture<Void> started) {}

  /** Runs one vector on a new terminal of {@code bridge}; returns what did not match (empty: passed). */
  static List<String> run(Bridge bridge, Vector vector, Path scratch) throws Exception {
    List<String> failures = new ArrayList<>();
    List<JsonNode> frames = new CopyOnWriteArrayList<>();
    AutoCloseable listening = bridge.onNotification(note -> {
      if (note.method().equals("terminal.frame") && note.params().path("direction").asText().equals("out")) {
        frames.add(note.params());
      }
    });
    ObjectNode open = vector.open().deepCopy();
    if (vector.journal()) open.put("journalDir", Files.createTempDirectory(scratch, "journal-").toString());
    Terminal terminal = open(bridge, open);
    Map<String, Named> named = new HashMap<>();
    try {
      int index = 0;
      for (JsonNode step : vector.steps()) {
        String where = vector.name() + " step " + index++;
        runStep(bridge, terminal, step, named, where, failures);
      }
    } finally {
      terminal.close();
      listening.close();
    }
    if (vector.frames() != null) {
      ArrayNode seen = Json.MAPPER.createArrayNode();
      for (JsonNode f : frames) if (f.path("terminalId").asText().equals(terminal.terminalId())) seen.add(summary(f));
      contains(vector.frames(), seen, vector.name() + " frames " + seen, failures);
    }
    return failures;
  }

  /** terminal.open through its record when the params fit it, else as given. */
  private static Terminal open(Bridge bridge, ObjectNode params) {
    TerminalOpenParams typed = fit(params, TerminalOpenParams.class);
    if (typed != null) return bridge.open(typed);
    TerminalOpenResult opened = Json.decode(Futures.await(bridge.call("terminal.open", params, null)),
        TerminalOpenResult.class);
    return new Terminal(bridge, opened.terminalId(), opened, false);
  }

  private static void runStep(Bridge bridge, Terminal terminal, JsonNode step, Map<String, Named> named,
      String where, List<String> failures) throws Exception {
    if (step.has("call")) {
      String method = step.get("call").asText();
      ObjectNode params = step.path("params").isObject() ? step.get("params").deepCopy() : Json.MAPPER.createObjectNode();
      if (!params.has("terminalId")) params.put("terminalId", terminal.terminalId());
      if (step.path("wait").asBoolean(true)) {
        check(step.path("expect"), () -> invoke(bridge, terminal, method, params), where, failures);
        return;
      }
      CompletableFuture<Void> started = new CompletableFuture<>();
      Bridge.Sent sent = bridge.sendTracked(method, params, progress -> {
        if (progress.type() != null && progress.type().wire().equals("started")) started.complete(null);
      });
      named.put(step.path("as").asText(), new Named(sent.id(), sent.answer(), started));
    } else if (step.has("waitFor")) {
      Named call = named(named, step.path("of").asText(), where);
      if (!step.get("waitFor").asText().equals("started")) throw new IllegalArgumentException(where + ": waitFor " + step.get("waitFor"));
      call.started().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } else if (step.has("cancel")) {
      bridge.cancelRequest(named(named, step.get("cancel").asText(), where).id());
    } else if (step.has("await")) {
      Named call = named(named, step.get("await").asText(), where);
      check(step.path("expect"), () -> waitFor(call.answer()), where, failures);
    } else {
      // The format says: a runner fails on a step kind it does not know.
      failures.add(where + ": unknown step kind " + step);
    }
  }

  private static Named named(Map<String, Named> named, String name, String where) {
    Named call = named.get(name);
    if (call == null) throw new IllegalArgumentException(where + ": no call named " + name);
    return call;
  }

  private interface Answer {
    JsonNode get() throws Exception;
  }

  private static JsonNode waitFor(CompletableFuture<JsonNode> answer) throws Exception {
    try {
      return answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw Futures.unwrap(e.getCause());
    }
  }

  /** The answer against {@code expect}: an error's code/dataCode/path/outcomeUnknown, or a result. */
  private static void check(JsonNode expect, Answer call, String where, List<String> failures) throws Exception {
    JsonNode result = null;
    BluechipException error = null;
    try {
      result = call.get();
    } catch (BluechipException e) {
      error = e;
    } catch (TimeoutException e) {
      failures.add(where + ": no answer within " + WAIT_SECONDS + " s");
      return;
    }
    JsonNode want = expect.path("error");
    if (want.isObject()) {
      if (error == null) {
        failures.add(where + ": expected error " + want + ", got result " + result);
        return;
      }
      if (want.has("code") && want.get("code").asInt() != error.code()) failures.add(where + ": code " + error.code() + " ≠ " + want.get("code"));
      if (want.has("dataCode") && !want.get("dataCode").asText().equals(error.dataCode())) failures.add(where + ": data.code " + error.dataCode() + " ≠ " + want.get("dataCode"));
      if (want.has("path") && !want.get("path").asText().equals(error.path())) failures.add(where + ": data.path " + error.path() + " ≠ " + want.get("path"));
      if (want.has("outcomeUnknown") && want.get("outcomeUnknown").asBoolean() != error.outcomeUnknown()) {
        failures.add(where + ": data.outcomeUnknown " + error.outcomeUnknown() + " ≠ " + want.get("outcomeUnknown"));
      }
      return;
    }
    if (error != null) {
      failures.add(where + ": unexpected " + error);
      return;
    }
    if (expect.has("outcome") && !expect.get("outcome").asText().equals(result.path("kind").asText(null))) {
      failures.add(where + ": outcome " + result.path("kind") + " ≠ " + expect.get("outcome"));
    }
    if (expect.has("replayed") && expect.get("replayed").asBoolean() != result.path("replayed").asBoolean(false)) {
      failures.add(where + ": replayed " + result.path("replayed") + " ≠ " + expect.get("replayed"));
    }
    if (expect.has("result")) contains(expect.get("result"), result, where + ": result", failures);
  }

  /**
   * Calls {@code method} through its generated Java method (params decoded into its record, the result
   * encoded back to JSON), or raw when the params do not fit the record, name another terminal, or the method
   * is not generated.
   */
  static JsonNode invoke(Bridge bridge, Terminal terminal, String method, ObjectNode params) throws Exception {
    Method chosen = null;
    String java = TerminalOperations.METHODS.get(method);
    for (Method m : TerminalOperations.class.getMethods()) {
      if (java == null || !m.getName().equals(java)) continue;
      Class<?>[] types = m.getParameterTypes();
      boolean withListener = types.length > 0 && types[types.length - 1] == ProgressListener.class;
      if (!withListener && (chosen == null || m.getParameterCount() > chosen.getParameterCount())) chosen = m;
    }
    ObjectNode own = params.deepCopy();
    boolean ours = terminal.terminalId().equals(own.path("terminalId").asText());
    own.remove("terminalId");
    Object typed = null;
    if (chosen != null && ours && chosen.getParameterCount() == 1) {
      typed = fit(own, chosen.getParameterTypes()[0]);
      if (typed == null) chosen = null;
    } else if (chosen != null && !(ours && chosen.getParameterCount() == 0 && own.isEmpty())) {
      chosen = null;
    }
    if (chosen == null) return waitFor(bridge.call(method, params, null));
    try {
      Object result = typed == null ? chosen.invoke(terminal) : chosen.invoke(terminal, typed);
      return result == null ? Json.MAPPER.nullNode() : Json.MAPPER.valueToTree(result);
    } catch (InvocationTargetException e) {
      throw Futures.unwrap(e.getCause());
    }
  }

  /** The params as the record, or null when the record cannot hold them exactly (then they go raw). */
  private static <T> T fit(ObjectNode params, Class<T> type) {
    try {
      T typed = Json.MAPPER.treeToValue(params, type);
      // Compared as parsed text: 1234 read back is the same node whether the record held an int or a long.
      return Json.MAPPER.readTree(Json.write(typed)).equals(Json.MAPPER.readTree(params.toString())) ? typed : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** A terminal.frame as the vectors summarise it: { message: its one top-level key, resource }. */
  private static JsonNode summary(JsonNode frameNote) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    JsonNode frame = Json.parse(frameNote.path("text").asText(""));
    if (frame == null || !frame.isObject() || frame.size() != 1) return out.put("message", "<not one envelope>");
    String key = frame.fieldNames().next();
    out.put("message", key);
    if (frame.get(key).has("resource")) out.set("resource", frame.get(key).get("resource"));
    return out;
  }

  /**
   * The README's "contains": an object has the listed keys with contained values, an array has the same
   * length and contains each element in order, anything else is equal (numbers by value).
   */
  static void contains(JsonNode expected, JsonNode actual, String where, List<String> failures) {
    if (expected.isObject()) {
      if (actual == null || !actual.isObject()) {
        failures.add(where + ": expected an object like " + expected + ", got " + actual);
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        contains(f.getValue(), actual.get(f.getKey()), where + "." + f.getKey(), failures);
      }
    } else if (expected.isArray()) {
      if (actual == null || !actual.isArray() || actual.size() != expected.size()) {
        failures.add(where + ": expected " + expected.size() + " elements like " + expected + ", got " + actual);
        return;
      }
      for (int i = 0; i < expected.size(); i++) contains(expected.get(i), actual.get(i), where + "[" + i + "]", failures);
    } else if (expected.isNumber() && actual != null && actual.isNumber()) {
      if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) failures.add(where + ": " + actual + " ≠ " + expected);
    } else if (!expected.equals(actual)) {
      failures.add(where + ": " + actual + " ≠ " + expected);
    }
  }
}
