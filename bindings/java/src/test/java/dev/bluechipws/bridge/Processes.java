package dev.bluechipws.bridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Child processes for the tests (the bundled CLI, nats-server), their output kept and waited on. */
final class Processes {
  private Processes() {}

  static Path repo() {
    return Path.of(System.getProperty("bluechip.repo", "../..")).toAbsolutePath().normalize();
  }

  /**
   * {@code node <bridge> args…}: the single file embedded in this build when there is one (what the stdio
   * carrier runs by default), else the repository's built CLI ({@code packages/cli/dist/bin.js}).
   */
  static List<String> cli(String... args) {
    String entry = Bundle.embedded() ? Bundle.path().toString()
        : repo().resolve("packages/cli/dist/bin.js").toString();
    List<String> command = new ArrayList<>(List.of("node", entry));
    command.addAll(List.of(args));
    return command;
  }

  /** How the tests start the stdio bridge: $BLUECHIP_BRIDGE_COMMAND, else {@link #cli} serve --stdio. */
  static StdioBridge.Options bridgeOptions() {
    String configured = System.getenv("BLUECHIP_BRIDGE_COMMAND");
    List<String> command = configured != null && !configured.isBlank() ? StdioBridge.splitCommand(configured)
        : cli("serve", "--stdio");
    return StdioBridge.Options.defaults().withCommand(command);
  }

  /** A running child whose stdout lines are recorded; waiters are completed by the lines themselves. */
  static final class Child implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private record Waiter(Predicate<String> test, CompletableFuture<String> found) {}

    Child(List<String> command, Path directory) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      if (directory != null) builder.directory(directory.toFile());
      process = builder.start();
      process.getOutputStream().close();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            lines.add(line);
            for (Waiter w : waiters) if (w.test.test(line)) w.found.complete(line);
          }
        } catch (IOException e) {
          // ended
        }
        ended.complete(null);
        for (Waiter w : waiters) w.found.completeExceptionally(new IllegalStateException(
            "process ended before the line came: " + String.join("\n", lines)));
      }, "test-child-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    /** The first line (past or future) matching {@code test}; bounded by {@code seconds}. */
    String await(Predicate<String> test, int seconds) throws Exception {
      CompletableFuture<String> found = new CompletableFuture<>();
      waiters.add(new Waiter(test, found));
      for (String line : lines) if (test.test(line)) found.complete(line);
      if (ended.isDone() && !found.isDone()) {
        throw new IllegalStateException("process ended: " + String.join("\n", lines));
      }
      try {
        return found.get(seconds, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("no matching line within " + seconds + " s; output:\n" + String.join("\n", lines));
      }
    }

    long count(Predicate<String> test) {
      return lines.stream().filter(test).count();
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** {@code bluechip simulate} on a free loopback port; its URL from the first line. */
  static final class Simulator implements AutoCloseable {
    final Child child;
    final String url;

    Simulator(int eventDelayMs) throws Exception {
      child = new Child(cli("simulate", "--port", "0", "--event-delay-ms", String.valueOf(eventDelayMs)), null);
      String line = child.await(l -> l.contains("listening on ws://"), 60);
      url = line.substring(line.indexOf("ws://")).split(" ")[0];
    }

    /** Sale requests the simulator received for {@code cents}. */
    long sales(long cents) {
      return child.count(l -> l.contains("POS->SIM {\"request\"") && l.contains("\"type\":\"sale\"")
          && l.contains("\"amount\":" + cents + "}") || l.contains("POS->SIM {\"request\"")
          && l.contains("\"type\":\"sale\"") && l.contains("\"amount\":" + cents + ","));
    }

    @Override
    public void close() throws Exception {
      child.close();
    }
  }
}
