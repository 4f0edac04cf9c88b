package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.internal.IoErrors;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cuts a dataset into {@code worldSize} shard files, one per rank, named {@code
 * rank-RRRRR-of-WWWWW.EXT}: every row that can be read lands in exactly one shard (see {@link
 * ShardAssigner} for the layouts). Two passes over the input: the first counts rows (and tokens,
 * when balancing tokens) so that the world size is checked and contiguous cuts are known before
 * anything is written; the second writes. Rows that cannot be read are handed to the reject
 * handler in both passes' first one only and are in no shard.
 *
 * <p>Contiguous layouts write one shard at a time. Strided layouts write every shard at once, to
 * zstd JSON Lines first when the output is Parquet (one Parquet writer per rank would hold a row
 * group per rank in memory), converted rank by rank at the end.
 */
public final class Sharder {
  private Sharder() {}

  /** What was written: rows and tokens per rank, the files, and rows that could not be read. */
  public record Result(List<Path> files, long[] rows, long[] tokens, long rejected) {
    public long totalRows() {
      return Arrays.stream(rows).sum();
    }
  }

  /**
   * Shards {@code files} into {@code outDir}.
   *
   * @param extension the output's file kind: parquet, jsonl, jsonl.gz or jsonl.zst
   * @param tokens tokens of a row; only used when balancing tokens (may be null otherwise)
   */
  public static Result shard(List<InputFile> files, Format format, Path outDir, int worldSize,
      ShardAssigner.By by, boolean strided, String extension, ToIntFunction<Sample> tokens,
      RejectHandler onReject) {
    if (by == ShardAssigner.By.TOKENS && tokens == null) {
      throw new RefineryException("balancing shards by tokens needs a tokenizer");
    }
    // Pass 1: rows, tokens per row, rejects.
    int[] rowTokens = new int[1024];
    long rows = 0;
    long total = 0;
    long rejected;
    try (SampleReader reader = SampleReader.open(files, format, onReject)) {
      while (reader.hasNext()) {
        Sample s = reader.next();
        int t = by == ShardAssigner.By.TOKENS ? tokens.applyAsInt(s) : 1;
        if (rows == rowTokens.length) {
          rowTokens = Arrays.copyOf(rowTokens, (int) Math.min(Integer.MAX_VALUE - 8, rows * 2));
        }
        rowTokens[(int) rows++] = t;
        total += t;
      }
      rejected = reader.rejected();
    }
    ShardAssigner assigner = ShardAssigner.create(worldSize, by, strided, rows, total);
    List<Path> targets = new ArrayList<>();
    for (int r = 0; r < worldSize; r++) {
      targets.add(outDir.resolve(name(r, worldSize, extension)));
    }
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new RefineryException(outDir + ": cannot create: " + IoErrors.reason(e), e);
    }
    long[] perRankRows = new long[worldSize];
    long[] perRankTokens = new long[worldSize];
    boolean staged = strided && extension.equals("parquet");
    List<Path> writeTo = new ArrayList<>();
    Path staging = outDir.resolve(".shard-staging");
    for (int r = 0; r < worldSize; r++) {
      writeTo.add(staged ? staging.resolve(name(r, worldSize, "jsonl.zst")) : targets.get(r));
    }
    Format writeFormat = staged ? Formats.nemotron() : format;
    SampleWriter[] writers = new SampleWriter[worldSize];
    boolean[] finished = new boolean[worldSize];
    int open = -1;
    boolean ok = false;
    try (SampleReader reader = SampleReader.open(files, format, RejectHandler.IGNORE)) {
      if (staged) {
        Files.createDirectories(staging);
      }
      long row = 0;
      while (reader.hasNext()) {
        Sample s = reader.next();
        int rank = assigner.next(rowTokens[(int) row]);
        if (!strided && rank != open) {
          // Contiguous: ranks only grow, so earlier shards are complete (empty ones included).
          for (int r = Math.max(open, 0); r < rank; r++) {
            closeOrCreate(writers, finished, r, writeTo, writeFormat);
          }
          open = rank;
        }
        if (writers[rank] == null) {
          writers[rank] = SampleWriter.create(writeTo.get(rank), writeFormat);
        }
        writers[rank].write(s);
        perRankRows[rank]++;
        perRankTokens[rank] += rowTokens[(int) row];
        row++;
      }
      if (row != rows) {
        throw new RefineryException("the input changed between the two passes: " + rows
            + " rows, then " + row);
      }
      for (int r = 0; r < worldSize; r++) {
        closeOrCreate(writers, finished, r, writeTo, writeFormat);
      }
      if (staged) {
        for (int r = 0; r < worldSize; r++) {
          convert(writeTo.get(r), targets.get(r), format);
        }
      }
      ok = true;
    } catch (IOException e) {
      throw new RefineryException(outDir + ": cannot write shards: " + IoErrors.reason(e), e);
    } finally {
      if (!ok) {
        for (SampleWriter w : writers) {
          if (w != null) {
            w.abort();
          }
        }
      }
      if (staged) {
        MixFiles.deleteTree(staging);
      }
    }
    return new Result(List.copyOf(targets), perRankRows, perRankTokens, rejected);
  }

  /** {@code rank-00003-of-00008.parquet}: sorts by rank and says the world size. */
  public static String name(int rank, int worldSize, String extension) {
    return String.format("rank-%05d-of-%05d.%s", rank, worldSize, extension);
  }

  /** Finishes rank r's file, once (an empty file when the rank got no rows). */
  private static void closeOrCreate(SampleWriter[] writers, boolean[] finished, int r,
      List<Path> to, Format f) {
    if (finished[r]) {
      return;
    }
    if (writers[r] == null) {
      writers[r] = SampleWriter.create(to.get(r), f);
    }
    writers[r].close();
    writers[r] = null;
    finished[r] = true;
  }

  private static void convert(Path from, Path to, Format format) {
    // Read directly: the staging folder lies in the output, marked incomplete until the end.
    try (SampleReader in = SampleReader.open(
        List.of(new InputFile(from, null, FileKind.fromName(from))), Formats.nemotron(),
        RejectHandler.FAIL); SampleWriter out = SampleWriter.create(to, format)) {
      while (in.hasNext()) {
        out.write(in.next());
      }
    }
  }
}
