package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.internal.FileTrees;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.OutputFolder;
import java.io.UncheckedIOException;
import java.nio.file.Path;

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
    } catch (UncheckedIOException e) {
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
    // The incomplete marker is this command's own: OutputFolder.create put it there.
    if (!OutputFolder.entries(out).stream().allMatch(OutputFolder.INCOMPLETE::equals)) {
      throw new RefineryException(out + ": exists and is not empty; choose a new folder");
    }
  }
}
