package dev.refinery.pipeline;

import dev.refinery.format.Format;
import java.nio.file.Path;

/** The outputs commands write: each a {@link Sink} for {@link Pipeline#canned}. */
public final class Sinks {
  private Sinks() {}

  /**
   * One file in the layout {@code format}, its kind told by its name (.parquet, .jsonl[.gz|.zst],
   * .json); rejects copied to {@code rejects}, or, when that is null, the first bad record stops
   * the run.
   */
  public static Sink file(Path file, Format format, Path rejects) {
    return new FileSink(file, format, rejects);
  }

  /** The hidden folder beside an output file where its run keeps work, log and stats. */
  public static Path runFolderOf(Path file) {
    return FileSink.runFolderOf(file);
  }
}
