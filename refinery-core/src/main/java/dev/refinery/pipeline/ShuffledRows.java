package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.internal.FileTrees;
import dev.refinery.internal.Json;
import dev.refinery.internal.SpillMerger;
import dev.refinery.internal.SpillSorter;
import dev.refinery.io.AtomicFile;
import dev.refinery.run.KeyedStage;
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
import java.util.NoSuchElementException;

/**
 * The rows a sink writes, in a seeded random order: each row's place is a 128-bit hash of (seed,
 * row id), ties by id, so the permutation depends on the seed and the ids only, never on how the
 * rows were cut into partitions, on the workers or on the memory budget.
 *
 * <p>Each partition of the last stage is sorted on the workers by a {@link SpillSorter} (the
 * budget shared by the workers; rows travel as Nemotron JSON beside the key and id) into runs
 * under {@code .work/shuffle/}, with a marker listing them, so a resumed sink sorts only the
 * partitions it had not finished; the runs are then merged (at most {@link
 * KeyedStage#MERGE_FAN_IN} at once) into one stream. Callers read it through {@link
 * SinkInput#checked}, so a signal stops the merge too.
 */
final class ShuffledRows implements Iterator<Sample>, AutoCloseable {
  private static final Format NEMOTRON = Formats.nemotron();
  private static final String FOLDER = "shuffle";

  private final SpillMerger merger;
  private final SpillMerger.Record record = new SpillMerger.Record();
  private final SinkInput in;
  private final int runs;
  private boolean ready;
  private boolean finished;
  private boolean more;
  private long rows;

  private ShuffledRows(SinkInput in, List<Path> runs, int spilled) {
    this.in = in;
    this.runs = spilled;
    Path dir = in.folder().work().resolve(FOLDER);
    this.merger = new SpillMerger(
        SpillMerger.narrow(runs, KeyedStage.MERGE_FAN_IN, dir, "merged", false), false);
  }

  /**
   * Sorts every partition of {@code in} by the shuffle key (on the run's workers, within {@code
   * memoryBytes} of sort buffers in all) and returns the rows in shuffled order; close it.
   */
  static ShuffledRows open(SinkInput in, long memoryBytes) {
    Path dir = in.folder().work().resolve(FOLDER);
    long budget = Math.max(1, memoryBytes / Math.max(1, in.workers()));
    List<List<String>> sorted = new ArrayList<>();
    for (int p = 0; p < in.partitions(); p++) {
      sorted.add(null);
    }
    in.forEach(in.partitions(), p -> sorted.set(p, sortPartition(in, dir, p, budget)));
    List<Path> runs = new ArrayList<>();
    // Runs listed in partition order: rows of equal key and id (none, ids being unique) would
    // come in output order.
    sorted.forEach(names -> names.forEach(n -> runs.add(dir.resolve(n))));
    return new ShuffledRows(in, runs, runs.size());
  }

  /** The 128-bit sort key of a row: two seeded hashes of its id. */
  static long[] key(long seed, RowId id) {
    return new long[] {BlendStep.hash(seed, id), BlendStep.hash(~seed, id)};
  }

  /** Sorted run files written, the runs the merge reads. */
  int runs() {
    return runs;
  }

  /** Rows returned so far. */
  long rows() {
    return rows;
  }

  private static Path marker(Path dir, int p) {
    return dir.resolve(String.format("sort-%05d.done.json", p));
  }

  @SuppressWarnings("unchecked")
  private static List<String> sortPartition(SinkInput in, Path dir, int p, long budget) {
    Path marker = marker(dir, p);
    if (Files.exists(marker)) {
      // Only a run resumed after a stop in this sink finds one (a new run starts without a work
      // folder, and a finished shuffle removes its own), over the same finished partitions.
      try {
        Map<String, Object> done = (Map<String, Object>) Json.parse(Files.readString(marker));
        if (((Number) done.get("rows")).longValue() == in.rows(p)) {
          return List.copyOf((List<String>) done.get("runs"));
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable marker: the partition is sorted again.
      }
    }
    String prefix = String.format("sort-%05d", p);
    SpillSorter sorter = new SpillSorter(dir, prefix, budget, false);
    long seed = in.seed();
    try (SampleReader reader = in.open(p)) {
      Iterator<Sample> rows = in.checked(reader);
      while (rows.hasNext()) {
        Sample s = rows.next();
        RowId id = s.id();
        if (id == null) {
          throw new IllegalStateException("shuffle: a row of partition " + p
              + " has no row id (uuid " + s.uuid() + ")");
        }
        long[] key = key(seed, id);
        sorter.add(key[0], key[1], id.source(), flip(id.derivation()),
            Json.write(NEMOTRON.encode(s)).getBytes(StandardCharsets.UTF_8));
      }
    }
    List<String> runs = sorter.finish().stream().map(f -> f.getFileName().toString()).toList();
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("rows", sorter.added());
    done.put("runs", runs);
    AtomicFile.writeString(marker, Json.write(done));
    return runs;
  }

  /** Row id derivations compare unsigned: flipped, they sort as the sorter's signed longs. */
  private static long flip(long derivation) {
    return derivation ^ Long.MIN_VALUE;
  }

  @Override
  public boolean hasNext() {
    if (!ready) {
      more = merger.next(record);
      ready = true;
    }
    return more;
  }

  @SuppressWarnings("unchecked")
  @Override
  public Sample next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ready = false;
    rows++;
    byte[] value = record.value;
    try {
      Sample s = NEMOTRON.decode((Map<String, Object>) Json.parse(value, 0, value.length));
      return s.withId(new RowId(record.longs[2], flip(record.longs[3])));
    } catch (IOException e) {
      throw new RefineryException(in.folder().work().resolve(FOLDER)
          + ": a sorted row could not be read back: " + e.getMessage(), e);
    }
  }

  /** The file in the run folder that records the shuffle: seed, rows and sorted runs. */
  static Path reportFile(dev.refinery.run.RunFolder folder) {
    return folder.root().resolve("shuffle.json");
  }

  /**
   * Records the finished shuffle beside stats.json and in run.log; closing then removes the
   * sorted runs, which a later retry of failed requests (whose partitions change) must not
   * reuse.
   */
  void report() {
    finished = true;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", in.seed());
    m.put("rows", rows);
    m.put("runs", runs);
    AtomicFile.writeString(reportFile(in.folder()), Json.write(m));
    in.note("shuffled " + rows + " rows with seed " + in.seed() + " (" + runs
        + " sorted runs merged)");
  }

  @Override
  public void close() {
    merger.close();
    if (finished) {
      FileTrees.delete(in.folder().work().resolve(FOLDER));
    }
  }
}
