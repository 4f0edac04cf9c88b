package dev.refinery.pipeline;

import dev.refinery.template.prompt.PromptOptions;

/** Steps commands put in their pipelines ({@link Pipeline#canned}) that YAML does not name. */
public final class CommandSteps {
  private CommandSteps() {}

  /** Gives a row without a uuid the hash of its content as one (convert, format). */
  public static Step contentUuid() {
    return new ContentUuidStep();
  }

  /**
   * Prepares prompts as {@code format} and {@code tokenize} do (system prompt, the card's
   * templates, the reasoning toggle); what it did is counted in the step's stats, by action.
   */
  public static Step preparePrompts(PromptOptions options) {
    return new PromptSteps.PromptStep(PREPARE_PROMPTS, options);
  }

  /** The name of {@link #preparePrompts}' step in a run's stats. */
  public static final String PREPARE_PROMPTS = "prepare_prompts";
}
