package dev.bluechipws.bench;

import dev.bluechipws.bridge.StdioBridge;
import dev.bluechipws.bridge.Terminal;
import dev.bluechipws.bridge.model.Outcome;
import dev.bluechipws.bridge.model.OutcomeKind;
import dev.bluechipws.bridge.model.SaleParams;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The Java side of {@code bindings/java/bench/overhead.mjs} (a benchmark, not a test: surefire does not run
 * it). It opens a terminal over stdio, prints {@code ready <JVM>} and then, for each line "N" on stdin, makes
 * N sales and prints the median time of one sale in nanoseconds.
 *
 * <pre>
 * java -cp … dev.bluechipws.bench.OverheadBench --url ws://127.0.0.1:PORT --bridge "node …/bin.js serve --stdio"
 * </pre>
 */
public final class OverheadBench {
  private static final int MAX_COUNT = 100_000;

  private OverheadBench() {}

  public static void main(String[] argv) throws IOException {
    String url = null;
    String bridge = null;
    for (int i = 0; i + 1 < argv.length; i += 2) {
      switch (argv[i]) {
        case "--url" -> url = argv[i + 1];
        case "--bridge" -> bridge = argv[i + 1];
        default -> throw new IllegalArgumentException("unexpected argument: " + argv[i]);
      }
    }
    if (url == null) throw new IllegalArgumentException("usage: OverheadBench --url ws://host:port [--bridge COMMAND]");
    StdioBridge.Options options = StdioBridge.Options.defaults();
    if (bridge != null) options = options.withCommand(List.of(bridge.trim().split("\\s+")));
    TerminalOpenParams open = TerminalOpenParams.builder().url(url).reconnect(false).build();
    try (Terminal terminal = Terminal.openStdio(options, open)) {
      reply("ready " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
      BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = input.readLine()) != null; ) {
        reply(Long.toString(medianNanos(terminal, count(line))));
      }
    }
  }

  private static int count(String line) {
    int n;
    try {
      n = Integer.parseInt(line.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a count: " + line, e);
    }
    if (n < 1 || n > MAX_COUNT) throw new IllegalArgumentException("not a count in 1.." + MAX_COUNT + ": " + n);
    return n;
  }

  private static long medianNanos(Terminal terminal, int n) {
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      Outcome outcome = terminal.sale(SaleParams.builder().amount(1234L).build());
      times[i] = System.nanoTime() - start;
      if (outcome.kind() != OutcomeKind.APPROVED) throw new IllegalStateException("sale: " + outcome);
    }
    Arrays.sort(times);
    return times[n / 2];
  }

  /** One line on stdout, flushed: the script waits for it. */
  private static void reply(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
