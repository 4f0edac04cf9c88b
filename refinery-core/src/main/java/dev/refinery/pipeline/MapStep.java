package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.util.Iterator;

/**
 * A step over one partition's samples at a time, in order: a filter, a template, a request per
 * row. It keeps no state between partitions, so any runner (threads on this machine, Spark
 * executors) can run it on any split of the input. A row it passes on keeps its {@link
 * dev.refinery.sample.RowId} (changes through {@code toBuilder} keep it); a row it makes from
 * another gets an id derived from that row's.
 */
public non-sealed interface MapStep extends Step {

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
