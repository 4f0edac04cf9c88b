package dev.refinery.demo;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import java.util.stream.Stream;

/**
 * Writes a deterministic synthetic dataset in the Nemotron Post-Training Dataset v1 layout:
 * {@code DIR/data/<split>-NNNNN-of-NNNNN.(parquet|jsonl)} plus {@code README.md} and {@code
 * planted.json}, for demos, tests and benchmarks. Every row is derived from (seed, split, row), so
 * the same spec always gives byte-identical files, and rows are streamed one at a time.
 *
 * <pre>{@code
 * SampleData.Summary s = SampleData.write(Path.of("demo"), SampleData.Spec.of(1000, 42));
 * }</pre>
 */
public final class SampleData {
  public static final long DEFAULT_SHARD_ROWS = 250_000;
  private static final int MAX_SHARDS = 99_999;

  private SampleData() {}

  /**
   * What to generate.
   *
   * @param rows total rows over all splits, at least 1
   * @param seed the same seed (and rows) always gives the same files
   * @param fileKind {@link FileKind#PARQUET} or {@link FileKind#JSONL}
   * @param shardRows at most this many rows per file
   */
  public record Spec(long rows, long seed, FileKind fileKind, long shardRows) {
    public Spec {
      if (rows < 1) {
        throw new RefineryException("rows must be at least 1, got " + rows);
      }
      if (fileKind != FileKind.PARQUET && fileKind != FileKind.JSONL) {
        throw new RefineryException("sample data is written as parquet or jsonl, not " + fileKind);
      }
      if (shardRows < 1) {
        throw new RefineryException("shard rows must be at least 1, got " + shardRows);
      }
      if ((rows + shardRows - 1) / shardRows > MAX_SHARDS) {
        throw new RefineryException(rows + " rows at " + shardRows + " rows per shard needs more "
            + "than " + MAX_SHARDS + " shards; raise the shard size");
      }
    }

    /** Parquet files of {@link #DEFAULT_SHARD_ROWS} rows. */
    public static Spec of(long rows, long seed) {
      return new Spec(rows, seed, FileKind.PARQUET, DEFAULT_SHARD_ROWS);
    }

    public Spec withFileKind(FileKind kind) {
      return new Spec(rows, seed, kind, shardRows);
    }

    public Spec withShardRows(long n) {
      return new Spec(rows, seed, fileKind, n);
    }

    String extension() {
      return fileKind == FileKind.PARQUET ? "parquet" : "jsonl";
    }
  }

  /**
   * What was written.
   *
   * @param files the data files, in name order
   * @param rowsPerSplit by category (stem, math, code, chat, tool_calling)
   * @param planted rows carrying each plant, every kind listed (zero when none)
   * @param bytes size of the data files together
   */
  public record Summary(Path outDir, List<Path> files, Map<String, Long> rowsPerSplit,
                        Map<Plant, Long> planted, long bytes) {
    public Summary {
      files = List.copyOf(files);
      rowsPerSplit = Collections.unmodifiableMap(new LinkedHashMap<>(rowsPerSplit));
      planted = Collections.unmodifiableMap(new EnumMap<>(planted));
    }

    public long totalRows() {
      return rowsPerSplit.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Planted rows that validate should flag (placeholders excluded). */
    public long defects() {
      long n = 0;
      for (Map.Entry<Plant, Long> e : planted.entrySet()) {
        n += e.getKey().isDefect() ? e.getValue() : 0;
      }
      return n;
    }
  }

  public static Summary write(Path outDir, Spec spec) {
    return write(outDir, spec, (file, rows) -> { });
  }

  /**
   * @param onFile told of each data file once it is complete, with its row count (for progress)
   */
  public static Summary write(Path outDir, Spec spec, ObjLongConsumer<Path> onFile) {
    Path dataDir = outDir.resolve("data");
    refuseExistingData(dataDir);
    Layout layout = Layout.of(spec.rows(), spec.shardRows());
    Planting planting = new Planting(spec.seed(), layout);
    RowFactory rows = new RowFactory(spec.seed(), planting);

    Map<Plant, Long> planted = new EnumMap<>(Plant.class);
    for (Plant p : Plant.values()) {
      planted.put(p, 0L);
    }
    List<Path> files = new ArrayList<>();
    long bytes = 0;
    for (Layout.Shard shard : layout.shards()) {
      Path file = dataDir.resolve(shard.fileName(spec.extension()));
      SampleWriter writer = SampleWriter.create(file, Formats.nemotron());
      try {
        for (long i = shard.start(); i < shard.end(); i++) {
          Sample sample = rows.row(shard.split(), i);
          writer.write(sample);
          Plant plant = rows.plantAt(shard.split(), i);
          if (plant != null) {
            planted.merge(plant, 1L, Long::sum);
          }
        }
        writer.close();
      } catch (RuntimeException e) {
        writer.abort();
        throw e;
      }
      files.add(file);
      bytes += size(file);
      onFile.accept(file, shard.rows());
    }

    Map<String, Long> rowsPerSplit = new LinkedHashMap<>();
    layout.rowsPerSplit().forEach((split, n) -> rowsPerSplit.put(split.category(), n));
    Summary summary = new Summary(outDir, files, rowsPerSplit, planted, bytes);
    Readme.write(outDir, spec, summary);
    return summary;
  }

  /** Stale shards of another size would mix with the new ones when the folder is read. */
  private static void refuseExistingData(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      return;
    }
    try (Stream<Path> s = Files.list(dataDir)) {
      long n = s.filter(FileKind::isDataFile).count();
      if (n > 0) {
        throw new RefineryException(dataDir + " already holds " + n + " data file"
            + (n == 1 ? "" : "s") + "; choose another folder or remove them first");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
