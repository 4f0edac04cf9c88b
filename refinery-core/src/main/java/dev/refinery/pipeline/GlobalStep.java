package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A step that must see every partition before it can decide, such as deduplication: the runner
 * first lets it {@link #observe} each partition (in parallel, each sample with its global
 * ordinal), then asks it to {@link #decide} once from all observations, then streams each
 * partition through the {@link Decision}. Each phase is separate, so the phases map onto cluster
 * stages; observations are serializable, so a resumed run keeps the finished ones.
 */
public non-sealed interface GlobalStep extends Step {
  String name();

  /**
   * Looks at one partition's samples, whose global ordinals start at {@code firstOrdinal}; what it
   * keeps goes to files under {@code work} (shared by all partitions; names must include the
   * partition) and into the returned observation, never in memory beyond the partition.
   */
  Serializable observe(int partition, long firstOrdinal, Iterator<Sample> samples, Path work);

  /** Decides, from every partition's observation in input order, which ordinals to drop. */
  Decision decide(List<Serializable> observations, Path work, int threads);

  /** Which samples to drop, by global ordinal, and why. */
  interface Decision {
    /** Answers for one partition, asked about its ordinals in increasing order. */
    PartitionDrops open(long firstOrdinal);

    /** Facts about the decision for the run's stats (e.g. cluster counts). */
    default Map<String, Object> report() {
      return Map.of();
    }

    /**
     * Files the decision leaves in the run folder beside stats.json (consistency's votes), as
     * name to text; written before any output, again (identically) on resume.
     */
    default Map<String, String> files() {
      return Map.of();
    }
  }

  /** The drops of one partition. */
  interface PartitionDrops extends AutoCloseable {
    /** The drop reason of the sample at {@code ordinal}, or null to keep it. */
    String dropReason(long ordinal);

    /**
     * What the dropped row's record in {@code rejects/} says beside the reason (a duplicate: the
     * row kept in its place), or null; asked right after {@link #dropReason} dropped
     * {@code ordinal}, and only when the run keeps dropped rows.
     */
    default String dropDetail(long ordinal) {
      return null;
    }

    @Override
    void close();
  }
}
