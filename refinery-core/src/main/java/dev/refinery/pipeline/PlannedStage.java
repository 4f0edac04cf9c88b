package dev.refinery.pipeline;

/** LocalRunner's phases for a {@link PlannedStep}. */
final class PlannedStage {
  private PlannedStage() {}

  static StageDecision decide(PlannedStep<?> step, StageInput input) {
    throw new UnsupportedOperationException(step.name() + ": planned steps are not run yet");
  }
}
