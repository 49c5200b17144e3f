package dev.bluechipws.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bluechip certify} against the example POS ({@link dev.bluechipws.examples.PosSale}): a JVM per
 * scenario run, a sale through the stdio bridge, its report read from stdout and the exit code. Every
 * scenario must pass, the dropped-link one included (the retry with the same order reconciles).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class CertifyExampleTest {
  @TempDir
  Path work;

  @Test
  void theExamplePosPassesEveryScenario() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only: these JVMs live a second each; the full JIT would cost more than it saves.
    String pos = String.join(" ", quote(java), "-XX:TieredStopAtLevel=1", "-cp",
        quote(System.getProperty("java.class.path")), "dev.bluechipws.examples.PosSale",
        "--terminal {url} --amount {amount} --order {reference} --journal {state} --endpoint-mode {mode}");
    Path junit = work.resolve("certify.xml");
    List<String> command = new ArrayList<>(Processes.cli("certify", "--port", "0", "--time-scale", "0.05",
        "--junit", junit.toString(), "--pos-command", pos));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve("certify.log").toFile());
    // The POS starts its bridge as an application would (StdioBridge.defaultCommand): the embedded bundle,
    // or in a build without it the command the tests use.
    if (!Bundle.embedded()) {
      builder.environment().put("BLUECHIP_BRIDGE_COMMAND", Processes.bridgeOptions().command().stream()
          .map(CertifyExampleTest::quote).collect(Collectors.joining(" ")));
    }
    Process certify = builder.start();
    boolean ended = certify.waitFor(560, TimeUnit.SECONDS);
    if (!ended) certify.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    String log = Files.readString(work.resolve("certify.log"));
    assertTrue(ended, "certify did not end:\n" + log);
    assertEquals(0, certify.exitValue(), log);

    List<String> scenarios = scenarioIds();
    String xml = Files.readString(junit);
    List<String> cases = new ArrayList<>();
    Matcher testcase = Pattern.compile("<testcase [^>]*name=\"([^\"]+)\"").matcher(xml);
    while (testcase.find()) cases.add(testcase.group(1));
    assertEquals(scenarios.size(), cases.size(), xml);
    for (String id : scenarios) assertTrue(cases.stream().anyMatch(c -> c.contains(id)), id + " missing in\n" + xml);
    assertTrue(!xml.contains("<failure") && !xml.contains("<error"), xml);
  }

  /** The scenario ids, from {@code certify --list} (lines that are not indented). */
  private static List<String> scenarioIds() throws Exception {
    Process list = new ProcessBuilder(Processes.cli("certify", "--list")).redirectErrorStream(true).start();
    String out = new String(list.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(list.waitFor(60, TimeUnit.SECONDS));
    return out.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).toList();
  }

  /** Single-quoted for sh. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
