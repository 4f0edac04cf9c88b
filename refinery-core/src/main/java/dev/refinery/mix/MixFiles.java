package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Small file chores of the mix commands: manifests written atomically, work folders removed. */
final class MixFiles {
  private MixFiles() {}

  /** Writes {@code value} as one line of JSON; the file appears whole or not at all. */
  static void writeJson(Path target, Object value) {
    try {
      AtomicFile file = new AtomicFile(target);
      Files.writeString(file.temp(), Json.write(value) + "\n");
      file.commit();
    } catch (IOException e) {
      throw new RefineryException(target + ": cannot write: " + IoErrors.reason(e), e);
    }
  }

  /** Deletes a work folder and everything in it; a leftover is visible and harmless. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: see above
    }
  }

  /** Fails unless {@code out} is absent or an empty folder: a mix never writes over old data. */
  static void checkEmptyOutput(Path out) {
    if (Files.exists(out)) {
      try (Stream<Path> list = Files.list(out)) {
        if (list.findAny().isPresent()) {
          throw new RefineryException(out + ": exists and is not empty; choose a new folder");
        }
      } catch (IOException e) {
        throw new RefineryException(out + ": " + IoErrors.reason(e), e);
      }
    }
  }
}
