package dev.refinery.pipeline;

import dev.refinery.format.Format;
import java.nio.file.Path;
import java.util.Map;

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

  /**
   * {@code refinery generate}'s output folder (its run folder too): rows.jsonl, failures.jsonl,
   * settings.json ({@code settings}, see {@link dev.refinery.generate.GenerationSettings}) and,
   * with {@code parquet}, rows.parquet.
   */
  public static Sink generated(Path out, boolean parquet, Map<String, Object> settings) {
    return new GenerationSink(out, parquet, settings);
  }

  /**
   * Refuses a resume of the generate run in {@code out} with settings other than {@code
   * settings}, naming what differs (the input by its SHA-256); nothing to check without one.
   */
  public static void checkGenerationResume(Path out, Map<String, Object> settings) {
    GenerationSink.checkResume(out, settings);
  }
}
