package dev.refinery.pipeline;

import dev.refinery.run.RunFolder;
import java.nio.file.Path;

/**
 * A command's sink whose rejects go to the file {@code --rejects} names, copied from the run
 * folder when the run finishes; without one, the first record that cannot be read stops the run.
 */
interface CopiedRejectsSink extends Sink {
  /** The file a command's {@code --rejects} names, or null. */
  Path rejects();

  @Override
  default boolean failOnReject() {
    return rejects() == null;
  }

  @Override
  default void finish(RunFolder folder) {
    if (rejects() != null) {
      FileSink.copyRejects(folder, rejects());
    }
  }
}
