package dev.refinery.template;

import dev.refinery.sample.Sample;

/**
 * Plain ChatML: per message {@code <|im_start|>ROLE\n} + content + {@code <|im_end|>\n}, content
 * verbatim (the think block stays wherever the reasoning mode leaves it). Unlike {@code qwen3} it
 * does not reshape or drop the reasoning of assistant turns.
 */
final class ChatMlTemplate implements ChatTemplate {
  static final String NAME = "chatml";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String render(Sample sample, RenderOptions options) {
    StringBuilder sb = new StringBuilder();
    for (Turns.Turn t : Turns.of(sample, options, NAME)) {
      sb.append("<|im_start|>").append(t.role()).append('\n').append(t.content())
          .append("<|im_end|>\n");
    }
    if (options.addGenerationPrompt()) {
      sb.append("<|im_start|>assistant\n");
    }
    return sb.toString();
  }
}
