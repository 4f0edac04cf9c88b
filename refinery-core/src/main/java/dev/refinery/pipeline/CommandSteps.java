package dev.refinery.pipeline;

import dev.refinery.template.prompt.PromptOptions;
import dev.refinery.tokenize.Tokenizer;

/** Steps commands put in their pipelines ({@link Pipeline#canned}) that YAML does not name. */
public final class CommandSteps {
  private CommandSteps() {}

  /** Gives a row without a uuid the hash of its content as one (convert, format). */
  public static Step contentUuid() {
    return new ContentUuidStep();
  }

  /** Prepares prompts (templates, system prompt, reasoning toggle), counting what it did. */
  public static Step prompts(PromptOptions options) {
    return new PromptSteps.PromptStep("prompts", options);
  }

  /**
   * Renders and tokenizes every row once for {@link Sinks#tokenized}, with {@code tokenizer}
   * already open (the caller closes it after the run); it drops nothing: the sink rejects what
   * cannot render and applies the length policy.
   */
  public static Step tokenize(TokenizeConfig config, Tokenizer tokenizer) {
    return new TokenizeStep(config, true, tokenizer);
  }
}
