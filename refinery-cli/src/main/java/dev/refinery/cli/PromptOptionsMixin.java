package dev.refinery.cli;

import dev.refinery.template.prompt.PromptOptions;
import picocli.CommandLine.Option;

/** The prompt-preparation options shared by {@code format} and {@code tokenize}. */
final class PromptOptionsMixin {
  @Option(names = "--prompt-template", paramLabel = "T", defaultValue = "none",
      description = "Put the card's instruction before the first user turn: auto (by the "
          + "sample's category: math, code, stem; chat gets the card's system prompt), or math, "
          + "code, stem, chat for every sample, or none (the default). Idempotent.")
  String promptTemplate;

  @Option(names = "--system-prompt", paramLabel = "TEXT",
      description = "A system prompt for samples that have none (or an empty one).")
  String systemPrompt;

  @Option(names = "--reasoning-toggle", paramLabel = "STYLE", defaultValue = "none",
      description = "Write each row's reasoning on/off into the system prompt: "
          + "detailed-thinking (\"detailed thinking on/off\"), think (\"/think\", \"/no_think\") "
          + "or none (the default). Never duplicated.")
  String reasoningToggle;

  PromptOptions options() {
    return PromptOptions.parse(promptTemplate, systemPrompt, reasoningToggle);
  }
}
