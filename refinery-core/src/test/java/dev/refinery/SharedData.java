package dev.refinery;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real public data in {@code shared/data} beside the project: walks up from the working
 * directory (the module folder under surefire) until {@code <dir>/shared/data} exists. Tests that
 * need it are skipped, not failed, when it is absent.
 */
public final class SharedData {
  private SharedData() {}

  /** The path of {@code relative} under shared/data; skips the calling test when absent. */
  public static Path path(String relative) {
    Path data = root();
    Path file = data == null ? null : data.resolve(relative);
    Assumptions.assumeTrue(file != null && Files.exists(file),
        "shared data absent: " + relative);
    return file;
  }

  /** The shared/data folder, or null when none is found above the working directory. */
  public static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path data = dir.resolve("shared").resolve("data");
      if (Files.isDirectory(data)) {
        return data;
      }
    }
    return null;
  }
}
