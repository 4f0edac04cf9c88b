package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.format.SchemaException;
import dev.refinery.internal.FileTrees;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.internal.SpillMerger;
import dev.refinery.internal.SpillSorter;
import dev.refinery.io.RowSchemaMismatchException;
import dev.refinery.mix.BlendPlan;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A mixture's files ({@code blend}, {@code interleave}): {@code OUT/data/train-NNNNN-of-NNNNN.EXT}
 * in the Nemotron v1 schema, the rows in the order {@link Order} gives, cut into {@code shards}
 * files of {@code total / shards} rows each (the first ones one more). The run folder is the
 * output folder. Rows a file cannot hold are rejected; with a rejects file named, every reject
 * is copied there at the end, else the first bad record stops the run.
 */
record MixtureSink(Path out, String extension, int shards, Order order, Path rejects)
    implements CopiedRejectsSink {

  /** The order the rows are written in: a function of the rows, their ids and the seed only. */
  interface Order {
    /** What the order is, for the run's fingerprint. */
    Map<String, Object> describe();

    /** Hands every row to {@code out} in output order. */
    void write(SinkInput in, Consumer<Sample> out);
  }

  @Override
  public Path runFolder() {
    return out.toAbsolutePath().normalize();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "mixture");
    m.put("extension", extension);
    m.put("shards", shards);
    m.put("order", order.describe());
    m.put("rejects", rejects == null ? null : rejects.toAbsolutePath().normalize().toString());
    return m;
  }

  @Override
  public List<Path> write(SinkInput in) {
    long total = in.total();
    // More files than rows would leave some empty.
    int n = (int) Math.min(shards, Math.max(1, total));
    if (n < shards) {
      in.note("--shards " + shards + " is more than the " + total + " rows written; wrote " + n
          + " files");
    }
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      files.add(in.folder().root().resolve("data").resolve(String.format(
          "train-%05d-of-%05d.%s", i, n, extension)));
    }
    // Files appear whole under their names: a resumed run that finds them all is done.
    if (files.stream().allMatch(Files::exists)) {
      return files;
    }
    try {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      Files.createDirectories(files.get(0).getParent());
    } catch (IOException e) {
      throw new RefineryException(files.get(0).getParent() + ": cannot write: "
          + IoErrors.reason(e), e);
    }
    try (Cut cut = new Cut(files, total, Formats.nemotron(), in)) {
      order.write(in, cut::write);
      cut.finish();
    }
    return files;
  }

  /** Rows in output order cut into the files. */
  private static final class Cut implements AutoCloseable {
    private final List<Path> files;
    private final long total;
    private final Format format;
    private final SinkInput in;
    private SampleWriter writer;
    private int index = -1;
    private long offered;
    private long nextCut;

    Cut(List<Path> files, long total, Format format, SinkInput in) {
      this.files = files;
      this.total = total;
      this.format = format;
      this.in = in;
    }

    private long start(int i) {
      int n = files.size();
      return i * (total / n) + Math.min(i, total % n);
    }

    void write(Sample s) {
      while (writer == null || (offered >= nextCut && index < files.size() - 1)) {
        advance();
      }
      offered++;
      try {
        writer.write(s);
      } catch (SchemaException | RowSchemaMismatchException e) {
        in.reject(s, "cannot write as nemotron: " + e.getMessage());
      }
    }

    private void advance() {
      if (writer != null) {
        writer.close();
      }
      index++;
      writer = SampleWriter.create(files.get(index), format);
      nextCut = index + 1 < files.size() ? start(index + 1) : Long.MAX_VALUE;
    }

    void finish() {
      while (index < files.size() - 1) {
        advance();
      }
      writer.close();
      writer = null;
    }

    @Override
    public void close() {
      if (writer != null) {
        writer.abort();
      }
    }
  }

  /** The last stage's order: partitions in order, each partition's rows in order. */
  record InputOrder() implements Order {
    @Override
    public Map<String, Object> describe() {
      return Map.of("kind", "input");
    }

    @Override
    public void write(SinkInput in, Consumer<Sample> out) {
      for (int p = 0; p < in.partitions(); p++) {
        try (SampleReader reader = in.open(p)) {
          in.checked(reader).forEachRemaining(out);
        }
      }
    }
  }

  /**
   * A seeded permutation: rows in order of a seeded 64-bit hash of their ids (ties, about one in
   * 2^64, by id), so the order depends on the seed and the ids only. Each partition is sorted on
   * disk within its share of a memory budget, and the sorted runs of all partitions are merged.
   */
  record Shuffled(long memoryBytes) implements Order {
    @Override
    public Map<String, Object> describe() {
      return Map.of("kind", "shuffled");
    }

    /** A row's place in the permutation. */
    static long key(long seed, RowId id) {
      return BlendStep.hash(BlendPlan.streamSeed(seed, -1), id);
    }

    @Override
    public void write(SinkInput in, Consumer<Sample> out) {
      Path work = in.folder().work().resolve("shuffle");
      Format nemotron = Formats.nemotron();
      long budget = Math.max(1 << 20, memoryBytes / Math.max(1, in.workers()));
      List<List<Path>> runs = new ArrayList<>();
      for (int p = 0; p < in.partitions(); p++) {
        runs.add(null);
      }
      FileTrees.delete(work);
      in.forEach(in.partitions(), p -> {
        SpillSorter sorter = new SpillSorter(work, "part-" + p, budget, false);
        try (SampleReader reader = in.open(p)) {
          Iterator<Sample> rows = in.checked(reader);
          while (rows.hasNext()) {
            Sample s = rows.next();
            RowId id = s.id();
            sorter.add(key(in.seed(), id), id.source(), id.derivation(), 0,
                Json.write(nemotron.encode(s)).getBytes(StandardCharsets.UTF_8));
          }
        }
        List<Path> own = sorter.finish();
        synchronized (runs) {
          runs.set(p, own);
        }
      });
      List<Path> all = new ArrayList<>();
      runs.forEach(all::addAll);
      List<Path> merged = SpillMerger.narrow(all, 64, work, "merge", false);
      try (SpillMerger merger = new SpillMerger(merged, false)) {
        SpillMerger.Record r = new SpillMerger.Record();
        while (merger.next(r)) {
          out.accept(decode(nemotron, r.value).withId(
              new RowId(r.longs[1], r.longs[2])));
        }
      }
      FileTrees.delete(work);
    }

    @SuppressWarnings("unchecked")
    private static Sample decode(Format nemotron, byte[] bytes) {
      try {
        return nemotron.decode((Map<String, Object>) Json.parse(bytes, 0, bytes.length));
      } catch (IOException e) {
        throw new RefineryException("a shuffled row could not be read back: " + e.getMessage(),
            e);
      }
    }
  }
}
