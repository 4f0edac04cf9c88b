package dev.refinery.pipeline;

import dev.refinery.run.RunFolder;
import java.nio.file.Path;

/**
 * A sink that writes one file a command names ({@code convert}, {@code format}, {@code
 * shuffle}): the run keeps its work and stats in the hidden folder beside it, a new run replaces
 * an earlier one as it replaces the file, and the rejects go to the file {@code --rejects} names
 * or, without one, the first record that cannot be read stops the run.
 */
interface OneFileSink extends Sink {
  /** The output file. */
  Path file();

  /** The file a command's {@code --rejects} names, or null. */
  Path rejects();

  @Override
  default Path runFolder() {
    return FileSink.runFolderOf(file());
  }

  @Override
  default boolean failOnReject() {
    return rejects() == null;
  }

  @Override
  default boolean clearsEarlierRun() {
    return true;
  }

  @Override
  default void finish(RunFolder folder) {
    if (rejects() != null) {
      FileSink.copyRejects(folder, rejects());
    }
  }
}
