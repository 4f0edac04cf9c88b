package dev.refinery.pipeline;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.internal.FileTrees;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.mix.ShardAssigner;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.Sample;
import dev.refinery.tokenize.TokenCounter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code shard} command's output: {@code worldSize} files {@code DIR/rank-RRRRR-of-WWWWW.EXT},
 * every row in exactly one, assigned by output position as {@link ShardAssigner} documents
 * (contiguous runs, {@code --strided} row i to rank i mod N, or balanced by tokens). {@code DIR}
 * is also the run folder. With {@code by tokens} a first pass counts every row's tokens, the
 * partitions in parallel on the workers; the assignment then walks the counts in output order.
 *
 * <p>Contiguous layouts write the ranks in parallel, each reading only the partitions its rows
 * lie in. Strided layouts spread every partition over all ranks, so one pass writes every rank
 * at once: to zstd JSON Lines under {@code .work/} first when the output is Parquet (a Parquet
 * writer holds a row group in memory, one per rank would not fit), converted rank by rank on the
 * workers.
 *
 * @param tokens the token counter for {@code by tokens}, else null
 * @param tokensDescribed what the counts mean (tokenizer and template), for the fingerprint
 * @param sizes told the rows and tokens of each rank once they are known (the summary line), or
 *     null
 */
record ShardSink(Path dir, int worldSize, ShardAssigner.By by, boolean strided, String extension,
                 Format format, TokenCounter tokens, String tokensDescribed, Path rejects,
                 Consumer<Sinks.ShardSizes> sizes) implements CopiedRejectsSink {

  @Override
  public Path runFolder() {
    return dir.toAbsolutePath().normalize();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "shard");
    m.put("path", runFolder().toString());
    m.put("world_size", worldSize);
    m.put("by", by.name().toLowerCase(java.util.Locale.ROOT));
    m.put("strided", strided);
    m.put("extension", extension);
    m.put("format", format.name());
    m.put("tokens", tokensDescribed);
    // No rejects file: where rejects are copied changes no row, and a run stopped by a bad
    // record goes on with --resume --rejects FILE (its finished partitions had none).
    return m;
  }

  @Override
  public List<Path> write(SinkInput in) {
    long total = in.total();
    ShardAssigner.check(worldSize, total);
    int[][] rowTokens = by == ShardAssigner.By.TOKENS ? countTokens(in) : null;
    long tokenTotal = 0;
    for (int p = 0; rowTokens != null && p < rowTokens.length; p++) {
      for (int t : rowTokens[p]) {
        tokenTotal += t;
      }
    }
    ShardAssigner assigner = ShardAssigner.create(worldSize, by, strided, total, tokenTotal);
    long[] rankRows = new long[worldSize];
    long[] rankTokens = new long[worldSize];
    // Contiguous: where each rank's run starts (start[worldSize] = total). Strided by tokens: the
    // rank of every row, kept in place of its token count.
    long[] start = new long[worldSize + 1];
    int ranked = 0;
    long row = 0;
    for (int p = 0; p < in.partitions(); p++) {
      for (int i = 0; i < in.rows(p); i++) {
        int t = rowTokens == null ? 1 : rowTokens[p][i];
        int rank = assigner.next(t);
        rankRows[rank]++;
        rankTokens[rank] += t;
        while (ranked < rank) {
          start[++ranked] = row;
        }
        if (strided && rowTokens != null) {
          rowTokens[p][i] = rank;
        }
        row++;
      }
    }
    while (ranked < worldSize) {
      start[++ranked] = total;
    }
    List<Path> targets = new ArrayList<>();
    for (int r = 0; r < worldSize; r++) {
      targets.add(in.folder().root().resolve(ShardAssigner.fileName(r, worldSize, extension)));
    }
    if (strided) {
      writeStrided(in, targets, rowTokens);
    } else {
      long[] first = firstRows(in);
      in.forEach(worldSize, r -> writeRun(in, first, start[r], start[r + 1], targets.get(r)));
    }
    if (sizes != null) {
      sizes.accept(new Sinks.ShardSizes(rankRows, rankTokens));
    }
    return targets;
  }

  /** Every row's tokens, the partitions on the workers. */
  private int[][] countTokens(SinkInput in) {
    int[][] counts = new int[in.partitions()][];
    in.forEach(in.partitions(), p -> {
      int[] own = new int[Math.toIntExact(in.rows(p))];
      try (SampleReader reader = in.open(p)) {
        Iterator<Sample> rows = in.checked(reader);
        for (int i = 0; rows.hasNext(); i++) {
          own[i] = tokens.count(rows.next());
        }
      }
      counts[p] = own;
    });
    return counts;
  }

  private static long[] firstRows(SinkInput in) {
    long[] first = new long[in.partitions()];
    long next = 0;
    for (int p = 0; p < first.length; p++) {
      first[p] = next;
      next += in.rows(p);
    }
    return first;
  }

  /** Rows [from, to) in output order into {@code target} (an empty file when none). */
  private void writeRun(SinkInput in, long[] first, long from, long to, Path target) {
    SampleWriter writer = SampleWriter.create(target, format);
    try {
      for (int p = 0; p < first.length && first[p] < to; p++) {
        if (first[p] + in.rows(p) <= from) {
          continue;
        }
        try (SampleReader reader = in.open(p)) {
          Iterator<Sample> rows = in.checked(reader);
          for (long ordinal = first[p]; rows.hasNext() && ordinal < to; ordinal++) {
            Sample sample = rows.next();
            if (ordinal >= from) {
              writer.write(sample);
            }
          }
        }
      }
      writer.close();
    } catch (RuntimeException | Error e) {
      writer.abort();
      throw e;
    }
  }

  /**
   * One pass in output order, each row to its rank's writer: row i to rank i mod N, or (by
   * tokens) the rank in {@code ranks}.
   */
  private void writeStrided(SinkInput in, List<Path> targets, int[][] ranks) {
    boolean staged = extension.equals("parquet");
    Path staging = in.folder().work().resolve("shard-staging");
    List<Path> writeTo = new ArrayList<>();
    for (int r = 0; r < worldSize; r++) {
      writeTo.add(staged ? staging.resolve(ShardAssigner.fileName(r, worldSize, "jsonl.zst"))
          : targets.get(r));
    }
    Format writeFormat = staged ? Formats.nemotron() : format;
    SampleWriter[] writers = new SampleWriter[worldSize];
    try {
      for (int r = 0; r < worldSize; r++) {
        writers[r] = SampleWriter.create(writeTo.get(r), writeFormat);
      }
      long row = 0;
      for (int p = 0; p < in.partitions(); p++) {
        try (SampleReader reader = in.open(p)) {
          Iterator<Sample> rows = in.checked(reader);
          for (int i = 0; rows.hasNext(); i++, row++) {
            int rank = ranks == null ? (int) (row % worldSize) : ranks[p][i];
            writers[rank].write(rows.next());
          }
        }
      }
      for (SampleWriter w : writers) {
        w.close();
      }
    } catch (RuntimeException | Error e) {
      for (SampleWriter w : writers) {
        if (w != null) {
          w.abort();
        }
      }
      throw e;
    }
    if (staged) {
      in.forEach(worldSize, r -> convert(in, writeTo.get(r), targets.get(r)));
      FileTrees.delete(staging);
    }
  }

  private void convert(SinkInput in, Path from, Path to) {
    // Read directly: the staging folder lies in the run's unfinished work folder.
    try (SampleReader staged = SampleReader.open(
        List.of(new InputFile(from, null, FileKind.fromName(from))), Formats.nemotron(),
        RejectHandler.FAIL); SampleWriter out = SampleWriter.create(to, format)) {
      Iterator<Sample> rows = in.checked(staged);
      while (rows.hasNext()) {
        out.write(rows.next());
      }
    }
  }
}
