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
  public List<Segment> segments(Sample sample, RenderOptions options) {
    List<Turns.Turn> turns = Turns.of(sample, options, NAME);
    Segment.Builder b = new Segment.Builder().scaffold("<|begin_of_text|>");
    for (int i = 0; i < turns.size(); i++) {
      Turns.Turn t = turns.get(i);
      b.add("<|start_header_id|>" + t.role() + "<|end_header_id|>\n\n", t.role(), i,
              Segment.Kind.HEADER)
          .add(PyStr.strip(t.content()), t.role(), i, Segment.Kind.CONTENT)
          .add("<|eot_id|>", t.role(), i, Segment.Kind.END);
    }
    if (options.addGenerationPrompt()) {
      b.scaffold("<|start_header_id|>assistant<|end_header_id|>\n\n");
    }
    return b.build();
  }
}
