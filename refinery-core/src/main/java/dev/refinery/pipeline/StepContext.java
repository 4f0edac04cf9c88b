package dev.refinery.pipeline;

import dev.refinery.sample.Sample;

/** What a step sees of the run while it works on one partition. */
public interface StepContext {
  /** The partition's index in the run's deterministic input order. */
  int partition();

  /** The pipeline's seed, for steps that sample or shuffle. */
  long seed();

  /** Records that this step dropped {@code sample}, and why; the run counts it and may keep it. */
  default void drop(Sample sample, String reason) {
    drop(sample, reason, null);
  }

  /**
   * The same, with a detail kept beside the dropped row (e.g. the benchmark item it matched);
   * reasons become counters, so details stay out of them.
   */
  void drop(Sample sample, String reason, String detail);

  /**
   * Counts something the step did to a sample it passes on (a rewritten prompt...), reported
   * beside the drops in the step's stats. Runners that keep no counts ignore it.
   */
  default void count(String what) {}

  /**
   * Records that this step passed {@code sample} on {@code extra} more times than it received it
   * (a blend repeating a row by epochs); the run adds these to its conservation arithmetic.
   */
  default void repeated(Sample sample, int extra) {}

  /**
   * The rows this stage wrote for this partition in an earlier run whose requests partly failed,
   * found by uuid, so that a resumed retry reuses what a step already had instead of asking a
   * server again; {@link EarlierRows#NONE} otherwise. Runners offer them to a step only when
   * every later step of its stage is {@link MapStep#idempotent()}, so an earlier row is what the
   * step itself would pass on again.
   */
  default EarlierRows earlierRows() {
    return EarlierRows.NONE;
  }

  /**
   * The run's work folder, where a step may keep what it must not lose before the run finishes
   * (generate's answers as they come, found again by {@code --resume}); each runner gives its
   * own, so a step never writes into another runner's run. Null when the runner keeps none.
   */
  default java.nio.file.Path workFolder() {
    return null;
  }

  /**
   * A read-only, forward-only lookup of earlier rows: asked on one thread in the order of the
   * step's own output (the order the stage wrote them in); a row passed over is not found again.
   */
  interface EarlierRows {
    EarlierRows NONE = uuid -> null;

    /** The earlier row with this uuid, or null when there is none (or it was passed over). */
    Sample find(String uuid);

    /**
     * Why this step dropped the row with this uuid in the earlier run, when it recorded the drop
     * with a detail (a low grade); null otherwise. Failures (generation_failed, judge_failed) are
     * never returned: they are what the retry is for.
     */
    default Drop dropped(String uuid) {
      return null;
    }
  }

  /** An earlier drop: its reason and detail. */
  record Drop(String reason, String detail) {}
}
