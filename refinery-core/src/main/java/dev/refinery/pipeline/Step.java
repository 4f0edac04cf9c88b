package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.util.Iterator;

/**
 * One step of a pipeline over one partition's samples, in order. Steps are immutable and
 * serializable and keep no state between partitions, so any runner (threads on this machine, Spark
 * executors) can run them unchanged. A step that needs to see every partition before it decides
 * (deduplication) is a {@link GlobalStep} instead.
 */
public interface Step extends Serializable {
  /** How the step appears in stats and rejects, e.g. {@code filter:gopher_quality}. */
  String name();

  /** Maps a partition's samples; drops go through {@link StepContext#drop}, never silently. */
  Iterator<Sample> apply(Iterator<Sample> samples, StepContext context);

  /**
   * Whether the step, given a row it passed on, passes that row on unchanged (or drops it): a
   * filter, a score written again under the same key, an idempotent prompt template. A resumed
   * retry reuses earlier rows of a stage only for steps whose later steps are all idempotent, so
   * a reused row comes out as it did the first time.
   */
  default boolean idempotent() {
    return false;
  }

  /**
   * Whether the step looks up {@link StepContext#earlierRows()} (it makes requests a retry
   * should not repeat). The runner then also keeps aside, for a retry, the rows later steps of
   * its stage drop, since the stage output does not hold them.
   */
  default boolean reusesEarlierRows() {
    return false;
  }
}
