package dev.refinery.dedup;

import dev.refinery.internal.RecordMerger;
import dev.refinery.internal.RecordSorter;
import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code exact_dedup}: drops every sample whose normalized key equals that of a sample with a
 * smaller ordinal, so the first occurrence in the deterministic input order is kept, across all
 * partitions. Two stages with files between them, so each maps onto a cluster:
 *
 * <ol>
 *   <li>{@link #keyWriter} (per partition, in parallel): each sample becomes a record
 *       {@code (128-bit hash of the normalized key, ordinal)}; records are sorted in runs of
 *       {@code recordsPerRun} and spilled to the run folder; its uuid goes to the partition's
 *       {@link RowIds}, so a drop can name the row kept in its place. Memory: one buffer of
 *       {@code 24 * recordsPerRun} bytes per partition being processed (24 MB at the default).
 *   <li>{@link #findDuplicates} (once): a k-way merge of all runs brings equal hashes together,
 *       smallest ordinal first; the others become {@code (dropped, kept)} records, sorted by
 *       dropped ordinal with the same spilling sorter, and written as a {@link DropList}. Memory:
 *       one 64 KB buffer per run file plus one sort buffer of {@code 16 * recordsPerRun} bytes.
 * </ol>
 *
 * <p>The runner then opens {@link DropList#cursor} per partition while streaming the input again.
 * Samples without key text (no user turn, an empty answer) are never dropped. Immutable and
 * serializable.
 */
public final class ExactDedup implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The drop reason in stats and rejects. */
  public static final String REASON = "exact_duplicate";
  /** Records per sorted run: 1M records of 24 bytes = 24 MB of heap per spilling partition. */
  public static final int DEFAULT_RECORDS_PER_RUN = 1 << 20;
  private static final long HASH_SEED = 0x5eed_d00dL;

  private final DedupKey key;
  private final int recordsPerRun;

  public ExactDedup(DedupKey key) {
    this(key, DEFAULT_RECORDS_PER_RUN);
  }

  public ExactDedup(DedupKey key, int recordsPerRun) {
    if (key == null) {
      throw new IllegalArgumentException("exact_dedup needs a key");
    }
    if (recordsPerRun < 1) {
      throw new IllegalArgumentException("recordsPerRun must be >= 1, got " + recordsPerRun);
    }
    this.key = key;
    this.recordsPerRun = recordsPerRun;
  }

  public DedupKey key() {
    return key;
  }

  /** Stage 1 for one partition: feed it every sample of the partition, then {@code finish()}. */
  public KeyWriter keyWriter(Path runFolder, int partition) {
    return new KeyWriter(runFolder, partition);
  }

  /** Collects one partition's key records; not thread safe (one per partition). */
  public final class KeyWriter {
    private final int partition;
    private final RecordSorter sorter;
    private final RowIds.Writer ids;
    private final long[] hash = new long[2];
    private long samples;
    private long withoutKey;

    private KeyWriter(Path runFolder, int partition) {
      this.partition = partition;
      this.sorter = new RecordSorter(runFolder, "exact-keys-" + partition, 3, recordsPerRun);
      this.ids = new RowIds.Writer(runFolder, "exact", partition);
    }

    /**
     * @param ordinal the sample's position in the deterministic input order, unique per run and
     *     consecutive within a partition
     */
    public void add(long ordinal, Sample sample) {
      samples++;
      ids.add(ordinal, sample.uuid());
      String text = key.text(sample);
      if (text == null) {
        withoutKey++;
        return;
      }
      KeyHash.hash(text, HASH_SEED, hash);
      sorter.add(hash[0], hash[1], ordinal);
    }

    public PartitionKeys finish() {
      List<String> runs = sorter.finish().stream().map(Path::toString).toList();
      return new PartitionKeys(partition, runs, samples, withoutKey, ids.finish());
    }
  }

  /**
   * What stage 1 left for one partition: its sorted run files, counts, and the uuids of its rows
   * (so a dropped row can name the row kept in its place).
   */
  public record PartitionKeys(int partition, List<String> runFiles, long samples,
                              long withoutKey, RowIds.Part ids) implements Serializable {
    public PartitionKeys {
      runFiles = List.copyOf(runFiles);
    }
  }

  /**
   * Stage 2: finds every duplicate across all partitions and writes the {@link DropList} as
   * {@code exact-drops.bin} in {@code runFolder}.
   */
  public ExactResult findDuplicates(List<PartitionKeys> partitions, Path runFolder) {
    List<Path> runs = new ArrayList<>();
    long samples = 0;
    long withoutKey = 0;
    for (PartitionKeys p : partitions) {
      p.runFiles().forEach(f -> runs.add(Path.of(f)));
      samples += p.samples();
      withoutKey += p.withoutKey();
    }
    RecordSorter drops = new RecordSorter(runFolder, "exact-drops", 2, recordsPerRun);
    long distinct = 0;
    long[] rec = new long[3];
    try (RecordMerger merger = new RecordMerger(runs, 3)) {
      long h1 = 0;
      long h2 = 0;
      long first = 0;
      boolean any = false;
      while (merger.next(rec)) {
        if (any && rec[0] == h1 && rec[1] == h2) {
          // Runs are sorted by (hash, ordinal), so the group's first record has the min ordinal.
          drops.add(rec[2], first);
        } else {
          h1 = rec[0];
          h2 = rec[1];
          first = rec[2];
          any = true;
          distinct++;
        }
      }
    }
    DropList list = DropList.fromSortedRuns(drops.finish(), runFolder.resolve("exact-drops.bin"), REASON);
    return new ExactResult(list, samples, withoutKey, distinct, list.size());
  }

  /**
   * @param drops the ordinals to drop, each with the ordinal kept in its place
   * @param samples samples seen by stage 1
   * @param withoutKey samples with no key text (never dropped)
   * @param distinctKeys distinct normalized keys
   * @param dropped duplicates dropped; {@code samples - withoutKey - distinctKeys}
   */
  public record ExactResult(DropList drops, long samples, long withoutKey, long distinctKeys,
                            long dropped) {}
}
