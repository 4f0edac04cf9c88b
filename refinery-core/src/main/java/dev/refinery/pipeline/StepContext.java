package dev.refinery.pipeline;

import dev.refinery.sample.Sample;

/** What a step sees of the run while it works on one partition. */
public interface StepContext {
  /** The partition's index in the run's deterministic input order. */
  int partition();

  /** The pipeline's seed, for steps that sample or shuffle. */
  long seed();

  /** Records that this step dropped {@code sample}, and why; the run counts it and may keep it. */
  void drop(Sample sample, String reason);
}
