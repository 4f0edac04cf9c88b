package dev.refinery;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real public data the tests use in the project's own {@code testdata/} folder (one
 * folder per source, each with its PROVENANCE.md): walks up from the working directory (a module
 * folder under Maven) to the project root. A missing file fails the test rather than skipping it:
 * a fresh clone holds every file the tests need, so an absent one is a bug to see.
 */
public final class TestData {
  private TestData() {}

  /** The project's {@code testdata} folder. */
  public static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path data = dir.resolve("testdata");
      if (Files.isDirectory(data) && Files.exists(dir.resolve("pom.xml"))) {
        return data;
      }
    }
    throw new IllegalStateException("no testdata/ folder in " + Path.of("").toAbsolutePath()
        + " or above it: run the tests from the project");
  }

  /** A file or folder under {@code testdata}, e.g. {@code "gsm8k/test.jsonl"}; fails if absent. */
  public static Path file(String relative) {
    Path file = root().resolve(relative);
    if (!Files.exists(file)) {
      throw new IllegalStateException("test data missing: " + file
          + " (copy it into testdata/ with its provenance)");
    }
    return file;
  }

  /** Same as {@link #file(String)}. */
  public static Path path(String relative) {
    return file(relative);
  }
}
