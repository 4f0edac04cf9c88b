package dev.refinery.pipeline;

import dev.refinery.format.Format;
import dev.refinery.mix.ShardAssigner;
import dev.refinery.tokenize.TokenCounter;
import java.nio.file.Path;
import java.util.List;
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

  /** The hidden folder beside an output file where its run keeps work, log and stats. */
  public static Path runFolderOf(Path file) {
    return FileSink.runFolderOf(file);
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
