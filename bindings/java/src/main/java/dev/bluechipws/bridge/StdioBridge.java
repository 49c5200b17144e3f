package dev.bluechipws.bridge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bluechip serve --stdio} as a child process: one JSON message a line each way, logs on stderr.
 * By default the bridge is the single-file bundle embedded in this jar, run with {@code node}.
 */
public final class StdioBridge extends Bridge {
  private static final int STDERR_LINES = 40;

  /**
   * How to start the bridge. {@code command}: the whole command line (default: {@code node <bundle> serve
   * --stdio}); {@code environment}: added to the child's; {@code closeTimeout}: how long {@link #close()}
   * lets running calls settle before killing the process (the bridge drains for up to 30 s by itself).
   */
  public record Options(List<String> command, Map<String, String> environment, Path directory, Duration closeTimeout) {
    public static Options defaults() {
      return new Options(null, Map.of(), null, Duration.ofSeconds(40));
    }

    public Options withCommand(List<String> value) {
      return new Options(value, environment, directory, closeTimeout);
    }

    public Options withEnvironment(Map<String, String> value) {
      return new Options(command, value, directory, closeTimeout);
    }

    public Options withCloseTimeout(Duration value) {
      return new Options(command, environment, directory, value);
    }
  }

  private final Process process;
  private final OutputStream stdin;
  private final Object writeLock = new Object();
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
  private final Thread reader;
  private final Thread errReader;
  private final Duration closeTimeout;

  private StdioBridge(Process process, Duration closeTimeout) {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.closeTimeout = closeTimeout;
    this.reader = new Thread(this::readStdout, "bluechip-bridge-stdout-" + process.pid());
    this.errReader = new Thread(this::readStderr, "bluechip-bridge-stderr-" + process.pid());
    reader.setDaemon(true);
    errReader.setDaemon(true);
  }

  static StdioBridge start(Options options) {
    List<String> command = options.command() != null ? options.command() : defaultCommand();
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(options.environment());
    if (options.directory() != null) builder.directory(options.directory().toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the bridge (" + String.join(" ", command) + ")", e);
    }
    StdioBridge bridge = new StdioBridge(process, options.closeTimeout());
    bridge.reader.start();
    bridge.errReader.start();
    return bridge;
  }

  /**
   * {@code $BLUECHIP_BRIDGE_COMMAND} when set (a command line, split like a shell does for quotes: e.g. a
   * repository build {@code node packages/cli/dist/bin.js serve --stdio}), else {@code node <embedded
   * bundle> serve --stdio}; {@code $BLUECHIP_NODE} names another node binary.
   */
  public static List<String> defaultCommand() {
    String configured = System.getenv("BLUECHIP_BRIDGE_COMMAND");
    if (configured != null && !configured.isBlank()) return splitCommand(configured);
    String node = System.getenv().getOrDefault("BLUECHIP_NODE", "node");
    return List.of(node, Bundle.path().toString(), "serve", "--stdio");
  }

  /** Splits a command line on blanks, honouring single and double quotes and backslash escapes. */
  static List<String> splitCommand(String line) {
    if (line.length() > 8192) throw new IllegalArgumentException("bridge command longer than 8192 characters");
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') quote = 0; else word.append(c);
      } else if (quote == '"') {
        if (c == '"') quote = 0;
        else if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) word.append(line.charAt(++i));
        else word.append(c);
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) words.add(word.toString());
        word.setLength(0);
        inWord = false;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) throw new IllegalArgumentException("unbalanced quote in the bridge command: " + line);
    if (inWord) words.add(word.toString());
    if (words.isEmpty()) throw new IllegalArgumentException("empty bridge command");
    return List.copyOf(words);
  }

  /** The bridge process id (to watch or, in tests, to kill it). */
  public long pid() {
    return process.pid();
  }

  /** The last lines the bridge wrote on stderr (its log). */
  public List<String> stderrTail() {
    synchronized (stderrTail) {
      return new ArrayList<>(stderrTail);
    }
  }

  @Override
  protected void sendText(String text) {
    byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (writeLock) { // lines from two threads must not interleave
      try {
        stdin.write(line);
        stdin.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("bridge stdin closed", e);
      }
    }
  }

  private void readStdout() {
    try (InputStream in = process.getInputStream()) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      boolean skipping = false;
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buffer[i] != '\n') continue;
          if (!skipping) {
            line.write(buffer, start, i - start);
            emit(line);
          }
          line.reset();
          skipping = false;
          start = i + 1;
        }
        if (!skipping) {
          line.write(buffer, start, n - start);
          if (line.size() > Json.MAX_MESSAGE_BYTES) { // bounded: drop the rest of this line
            skipping = true;
            line.reset();
          }
        }
      }
    } catch (IOException e) {
      // the pipe broke: same as end of file
    }
    carrierClosed(exitReason());
  }

  private void emit(ByteArrayOutputStream line) {
    byte[] bytes = line.toByteArray();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') length--;
    if (length == 0) return;
    String text = Json.decodeUtf8(bytes, length);
    if (text != null) receive(text);
  }

  private String exitReason() {
    String status;
    try {
      status = process.waitFor(2, TimeUnit.SECONDS) ? "exited " + process.exitValue() : "stdout closed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = "stdout closed";
    }
    try {
      errReader.join(2000); // its last lines say why: let it read them (it ends with the process's stderr)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> tail = stderrTail();
    return "the bridge process " + status + (tail.isEmpty() ? "" : "; stderr: " + String.join(" | ",
        tail.subList(Math.max(0, tail.size() - 5), tail.size())));
  }

  private void readStderr() {
    try (InputStream in = process.getErrorStream()) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_LINES) stderrTail.removeFirst();
            stderrTail.addLast(line.toString());
          }
          line.setLength(0);
        } else if (line.length() < 2000) {
          line.append((char) c);
        }
      }
    } catch (IOException e) {
      // gone
    }
  }

  /**
   * Closes stdin: the bridge lets running calls settle, closes its terminals and journals, and exits.
   * Killed only after {@code closeTimeout}.
   */
  @Override
  public void close() {
    try {
      synchronized (writeLock) {
        stdin.close();
      }
    } catch (IOException e) {
      // already closed
    }
    try {
      if (!process.waitFor(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
