package dev.refinery.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real public data in {@code shared/data} beside the project, walking up from the
 * test's working directory; tests that need it are skipped when it is absent.
 */
public final class SharedData {
  private SharedData() {}

  /** The {@code shared/data} folder, or null when no parent of the working dir has one. */
  public static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path data = dir.resolve("shared").resolve("data");
      if (Files.isDirectory(data)) {
        return data;
      }
    }
    return null;
  }

  /** A file or folder under {@code shared/data}; skips the test when it is absent. */
  public static Path file(String relative) {
    Path root = root();
    Assumptions.assumeTrue(root != null, "shared data absent: no shared/data above "
        + Path.of("").toAbsolutePath());
    Path path = root.resolve(relative);
    Assumptions.assumeTrue(Files.exists(path), "shared data absent: " + path);
    return path;
  }
}
