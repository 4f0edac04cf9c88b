package dev.refinery.template;

import dev.refinery.sample.Sample;
import java.util.List;

/**
 * Llama 3's chat template, as in the Llama 3 (3.0) tokenizer_config.json: {@code <|begin_of_text|>}
 * then per message {@code <|start_header_id|>ROLE<|end_header_id|>\n\n} + content.strip() +
 * {@code <|eot_id|>}; no default system prompt and no "Cutting Knowledge Date" header (that is
 * Llama 3.1's template, not this one). The NeMo-Skills Llama 3 renders match it byte for byte.
 */
final class Llama3Template implements ChatTemplate {
  static final String NAME = "llama3";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String render(Sample sample, RenderOptions options) {
    List<Turns.Turn> turns = Turns.of(sample, options, NAME);
    StringBuilder sb = new StringBuilder("<|begin_of_text|>");
    for (Turns.Turn t : turns) {
      sb.append("<|start_header_id|>").append(t.role()).append("<|end_header_id|>\n\n")
          .append(PyStr.strip(t.content())).append("<|eot_id|>");
    }
    if (options.addGenerationPrompt()) {
      sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
    }
    return sb.toString();
  }
}
