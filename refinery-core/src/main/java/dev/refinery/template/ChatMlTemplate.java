package dev.refinery.template;

import dev.refinery.sample.Sample;
import java.util.List;

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
  public List<Segment> segments(Sample sample, RenderOptions options) {
    Segment.Builder b = new Segment.Builder();
    List<Turns.Turn> turns = Turns.of(sample, options, NAME);
    for (int i = 0; i < turns.size(); i++) {
      Turns.Turn t = turns.get(i);
      b.add("<|im_start|>" + t.role() + "\n", t.role(), i, Segment.Kind.HEADER)
          .add(t.content(), t.role(), i, Segment.Kind.CONTENT)
          .add("<|im_end|>", t.role(), i, Segment.Kind.END)
          .scaffold("\n");
    }
    if (options.addGenerationPrompt()) {
      b.scaffold("<|im_start|>assistant\n");
    }
    return b.build();
  }
}
