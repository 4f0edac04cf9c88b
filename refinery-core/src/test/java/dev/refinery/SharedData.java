package dev.refinery;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real public data in {@code shared/data} beside the project: walks up from the working
 * directory (a module folder under Maven) until {@code <dir>/shared/data} exists. Tests that need
 * a file skip, rather than fail, where the data is absent.
 */
public final class SharedData {
  private SharedData() {}

  /** The {@code shared/data} folder, or null when no parent of the working directory has one. */
  public static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path data = dir.resolve("shared").resolve("data");
      if (Files.isDirectory(data)) {
        return data;
      }
    }
    return null;
  }

  /** A file under {@code shared/data}, e.g. {@code "gsm8k/test.jsonl"}; skips the test if absent. */
  public static Path file(String relative) {
    Path root = root();
    assumeTrue(root != null, "shared data absent: no shared/data above " + Path.of("")
        .toAbsolutePath());
    Path file = root.resolve(relative);
    assumeTrue(Files.exists(file), "shared data absent: " + file);
    return file;
  }

  /** Whether a file under {@code shared/data} is present (for building test parameters). */
  public static boolean exists(String relative) {
    Path root = root();
    return root != null && Files.exists(root.resolve(relative));
  }

  /** Same as {@link #file(String)}. */
  public static Path path(String relative) {
    return file(relative);
  }
}
