package dev.refinery.cli;

import dev.refinery.tokenize.TokenCounter;
import dev.refinery.tokenize.Tokenizers;
import picocli.CommandLine.Option;

/** {@code --tokenizer} and {@code --template} for commands that count tokens per sample. */
final class TokenCountOptions {
  @Option(names = "--tokenizer", paramLabel = "T",
      description = "Count tokens with this tokenizer: a tokenizer.json, a folder holding one, "
          + "or cl100k_base / o200k_base.")
  String tokenizer;

  @Option(names = "--template", paramLabel = "T",
      description = "Count the conversation rendered with this chat template (as `format` takes "
          + "it); without it, the tokens of every message's text.")
  String template;

  boolean given() {
    return tokenizer != null;
  }

  /** The counter, or null without --tokenizer. */
  TokenCounter open() {
    if (tokenizer == null) {
      return null;
    }
    return new TokenCounter(Tokenizers.open(tokenizer),
        template == null ? null : FormatCommand.template(template));
  }

  /** What the counts mean, for summaries and manifests. */
  String describe() {
    return tokenizer == null ? null
        : tokenizer + (template == null ? " (message texts)" : " (rendered with " + template
            + ")");
  }
}
