package dev.refinery.pipeline;

import dev.refinery.format.Format;
import dev.refinery.mix.ShardAssigner;
import dev.refinery.run.RunFolder;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.OutputShape;
import dev.refinery.template.RenderOptions;
import dev.refinery.tokenize.TokenCounter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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

  /**
   * One file like {@link #file}, its rows in the seeded random order of the pipeline's seed (a
   * hash of each row's id), sorted on disk within {@code memoryBytes} of buffers.
   */
  public static Sink shuffledFile(Path file, Format format, Path rejects, long memoryBytes) {
    return new FileSink(file, format, rejects, new FileSink.Shuffle(memoryBytes));
  }

  /**
   * The sorted runs a finished shuffle into {@code runFolder} merged (the memory budget's
   * spills: one per partition at least), or -1 when it recorded none.
   */
  public static long shuffledRuns(Path runFolder) {
    Path report = ShuffledRows.reportFile(new dev.refinery.run.RunFolder(runFolder));
    try {
      Object runs = ((Map<?, ?>) dev.refinery.internal.Json.parse(
          java.nio.file.Files.readString(report))).get("runs");
      return ((Number) runs).longValue();
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * One JSON Lines file of records in {@code shape} ({@code refinery format}); {@code chat} the
   * template of the text shape (else null), {@code settings} what else the output depends on (for
   * the run's fingerprint: the template file's digest, the prompt preparation). A sample that cannot be rendered is rejected and the run goes
   * on; rejects are copied to {@code rejects} when given, else the first record that cannot be read stops the
   * run.
   */
  public static Sink rendered(Path file, OutputShape shape, ChatTemplate chat,
      Map<String, Object> settings, RenderOptions options, Path rejects) {
    return new RenderedFileSink(file, shape, chat, settings, options, rejects);
  }

  /** Where the rows a file sink could not write (or render) are set aside, in its run folder. */
  public static Path unwritableRejects(Path file) {
    return FileSink.runFolderOf(file).resolve("rejects").resolve(RunFolder.UNWRITABLE);
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

  /**
   * One file per split, {@code dir/NAME.extension} in the layout {@code format}, of the rows
   * {@link CommandSteps#split} routed; {@code dir} is the run folder. Rows it left without a
   * route are rejected with {@code keyless} as the reason (copied to {@code rejects}; when that
   * is null the first one stops the run).
   */
  public static Sink split(Path dir, List<String> names, String extension, Format format,
      String keyless, Path rejects) {
    return new SplitSink(dir, names, extension, format, keyless, rejects);
  }

  /** Rows and tokens of each rank of a {@link #shard} output (tokens: 1 a row by rows). */
  public record ShardSizes(long[] rows, long[] tokens) {}

  /**
   * {@code worldSize} files {@code dir/rank-RRRRR-of-WWWWW.extension} in the layout
   * {@code format}, assigned as {@link ShardAssigner} says; {@code dir} is the run folder.
   *
   * @param tokens counts a row's tokens when balancing tokens, else null
   * @param tokensDescribed the tokenizer and template, for the run's fingerprint (or null)
   * @param sizes told each rank's rows and tokens once assigned (null: not told)
   */
  public static Sink shard(Path dir, int worldSize, ShardAssigner.By by, boolean strided,
      String extension, Format format, TokenCounter tokens, String tokensDescribed, Path rejects,
      Consumer<ShardSizes> sizes) {
    if (by == ShardAssigner.By.TOKENS && tokens == null) {
      throw new dev.refinery.RefineryException("balancing shards by tokens needs a tokenizer");
    }
    return new ShardSink(dir, worldSize, by, strided, extension, format, tokens, tokensDescribed,
        rejects, sizes);
  }
}
