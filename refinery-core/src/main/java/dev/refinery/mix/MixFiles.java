package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.internal.FileTrees;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.OutputFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Small file chores of the mix commands: manifests written atomically, work folders removed. */
final class MixFiles {
  private MixFiles() {}

  /** Writes {@code value} as one line of JSON; the file appears whole or not at all. */
  static void writeJson(Path target, Object value) {
    AtomicFile.writeString(target, Json.write(value) + "\n");
  }

  /** Deletes a work folder and everything in it; a leftover is visible and harmless. */
  static void deleteTree(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (java.io.UncheckedIOException e) {
      // a leftover work folder is visible and harmless
    }
  }

  /** Refuses more output files than rows ({@code what}): some files would be empty. */
  static void checkShards(int shards, long rows, String what) {
    if (shards > rows) {
      throw new RefineryException("--shards " + shards + " is more than the " + rows + " " + what
          + ": some files would be empty; use at most " + Math.max(1, rows));
    }
  }

  /** Fails unless {@code out} is absent or an empty folder: a mix never writes over old data. */
  static void checkEmptyOutput(Path out) {
    if (Files.exists(out)) {
      try (Stream<Path> list = Files.list(out)) {
        // The lock and incomplete marker of this command's own OutputFolder are not content.
        if (list.map(p -> p.getFileName().toString()).anyMatch(
            n -> !n.equals(OutputFolder.LOCK) && !n.equals(OutputFolder.INCOMPLETE))) {
          throw new RefineryException(out + ": exists and is not empty; choose a new folder");
        }
      } catch (IOException e) {
        throw new RefineryException(out + ": " + IoErrors.reason(e), e);
      }
    }
  }
}
