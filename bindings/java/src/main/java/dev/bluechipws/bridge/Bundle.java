package dev.bluechipws.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The single-file bridge ({@code bluechip.mjs}) embedded in this jar at build time, extracted once. */
public final class Bundle {
  static final String RESOURCE = "/dev/bluechipws/bridge/bluechip.mjs";
  private static Path extracted;

  private Bundle() {}

  /** True when this build embeds the bundle. */
  public static boolean embedded() {
    return Bundle.class.getResource(RESOURCE) != null;
  }

  /** The bundle on disk (a temporary file deleted when the JVM exits). */
  public static synchronized Path path() {
    if (extracted != null && Files.isRegularFile(extracted)) return extracted;
    try (InputStream in = Bundle.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("this build of the binding does not embed the bridge bundle: build "
            + "packages/cli/dist/bluechip.mjs before mvn package, or pass StdioBridge.Options.withCommand(...)");
      }
      Path file = Files.createTempFile("bluechip-bridge-", ".mjs");
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      extracted = file;
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the bridge bundle", e);
    }
  }
}
