package dev.bluechipws.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shared conformance vectors (bindings/vectors), unchanged, through one stdio bridge. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SharedVectorsTest {
  static StdioBridge bridge;

  @TempDir
  static Path scratch;

  @BeforeAll
  static void start() {
    bridge = Bridge.stdio(Processes.bridgeOptions());
  }

  @AfterAll
  static void stop() {
    if (bridge != null) bridge.close();
  }

  @TestFactory
  Stream<DynamicTest> everyVector() throws Exception {
    Path directory = VectorRunner.directory();
    Assumptions.assumeTrue(directory != null,
        "no bindings/vectors in this checkout (nor -Dbluechip.vectors): the shared vectors are not run");
    List<VectorRunner.Vector> vectors = VectorRunner.load(directory);
    assertFalse(vectors.isEmpty(), "no vector in " + directory);
    return vectors.stream().map(vector -> DynamicTest.dynamicTest(vector.name() + ": " + vector.about(),
        () -> assertEquals(List.of(), VectorRunner.run(bridge, vector, scratch))));
  }
}
