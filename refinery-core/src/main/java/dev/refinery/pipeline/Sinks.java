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

  /**
   * Tokenized output of {@code tokenize} (a step of {@link CommandSteps#tokenize}, the last of
   * the pipeline): {@code out} (a .jsonl[.gz|.zst] or .parquet file, or the prefix of a Megatron
   * .bin/.idx pair) with the length policy and packing of the step's config, token statistics in
   * {@code stats} holding {@code settings}, rejects copied to {@code rejects} (or null: the first
   * undecodable record stops the run; a sample the template cannot render is rejected and counted
   * either way). {@code fingerprinted}: further settings a resume must find unchanged.
   */
  public static TokenizedSink tokenized(Step tokenize, Path out, Path stats, Path rejects,
      Map<String, Object> settings, Map<String, Object> fingerprinted) {
    if (!(tokenize instanceof TokenizeStep step)) {
      throw new IllegalArgumentException("not a tokenize step: " + tokenize.name());
    }
    return TokenizedSink.command(step, out, stats, rejects, settings, fingerprinted);
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
