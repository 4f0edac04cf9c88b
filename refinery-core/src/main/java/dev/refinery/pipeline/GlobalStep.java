package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A step that must see every partition before it can decide, such as deduplication: the runner
 * first lets it {@link #observe} each partition (in parallel, each with the global ordinal of its
 * first sample), then asks it to {@link #decide} once, then streams each partition through the
 * {@link Decision}. Each phase is separate, so the phases map onto cluster stages.
 */
public interface GlobalStep extends Serializable {
  String name();

  /**
   * Looks at one partition's samples; whatever it keeps goes under {@code work} (a folder of its
   * own for this partition), never in memory beyond the partition.
   *
   * @param firstOrdinal the global ordinal of the partition's first sample
   */
  void observe(int partition, long firstOrdinal, Iterator<Sample> samples, Path work);

  /** Decides, from everything observed under {@code work}, which ordinals to drop. */
  Decision decide(Path work, int partitions);

  /** Which samples to drop, by global ordinal, and why. */
  interface Decision extends Serializable {
    /** The drop reason of the sample at {@code ordinal}, or null to keep it. */
    String dropReason(long ordinal);

    /** Facts about the decision for the run's stats (e.g. cluster counts). */
    default java.util.Map<String, Object> report() {
      return java.util.Map.of();
    }
  }
}
