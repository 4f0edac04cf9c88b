package dev.refinery.pipeline;

import java.nio.file.Path;

/**
 * A sink that writes one file a command names ({@code convert}, {@code format}, {@code
 * shuffle}): the run keeps its work and stats in the hidden folder beside it, a new run replaces
 * an earlier one as it replaces the file, and the rejects go to the file {@code --rejects} names
 * or, without one, the first record that cannot be read stops the run.
 */
interface OneFileSink extends CopiedRejectsSink {
  /** The output file. */
  Path file();

  @Override
  default Path runFolder() {
    return FileSink.runFolderOf(file());
  }

  @Override
  default boolean clearsEarlierRun() {
    return true;
  }
}
