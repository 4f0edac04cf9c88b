package dev.refinery.pipeline;

/** LocalRunner's data movement for a {@link KeyedStep}. */
final class KeyedStage {
  private KeyedStage() {}

  static StageDecision decide(KeyedStep step, StageInput input) {
    throw new UnsupportedOperationException(step.name() + ": keyed steps are not run yet");
  }
}
