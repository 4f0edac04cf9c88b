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

  /**
   * A mixture in the folder {@code out} ({@code blend}, {@code interleave}): {@code
   * data/train-NNNNN-of-NNNNN.EXT} ({@code extension}: parquet, jsonl, jsonl.gz, jsonl.zst) in
   * {@code shards} files; the run's stats, log and manifest beside them. {@code shuffle}: rows in
   * a permutation seeded by the pipeline's seed ({@code memoryBytes} the sort's budget), else in
   * the last step's order. Rejects copied to {@code rejects}, or, when it is null, the first bad
   * record stops the run.
   */
  public static Sink mixture(Path out, String extension, int shards, boolean shuffle,
      long memoryBytes, Path rejects) {
    return new MixtureSink(out, extension, shards, shuffle
        ? new MixtureSink.Shuffled(memoryBytes) : new MixtureSink.InputOrder(), rejects);
  }

  /**
   * An interleaving of named sources in the folder {@code out}: the rows an {@link
   * CommandSteps#interleave} step passed on, in the order its picks give (see there).
   */
  public static Sink interleaved(Path out, String extension, int shards, Step interleave,
      Path rejects) {
    return new MixtureSink(out, extension, shards, ((InterleaveStep) interleave).order(),
        rejects);
  }

  /** The hidden folder beside an output file where its run keeps work, log and stats. */
  public static Path runFolderOf(Path file) {
    return FileSink.runFolderOf(file);
  }
}
