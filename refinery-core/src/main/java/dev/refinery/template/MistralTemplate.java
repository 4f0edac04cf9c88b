package dev.refinery.template;

import dev.refinery.sample.Sample;
import java.util.List;

/**
 * Mistral-7B-Instruct v0.1's template: {@code <s>}, then {@code [INST] USER [/INST]} and
 * {@code ASSISTANT</s> } alternating, starting with a user turn (the model rejects anything else).
 * It has no system role: a leading system message with empty content is dropped, any other system
 * message fails the render. There is no generation prompt: a conversation ending in a user turn
 * already ends with {@code [/INST]}.
 */
final class MistralTemplate implements ChatTemplate {
  static final String NAME = "mistral";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Segment> segments(Sample sample, RenderOptions options) {
    List<Turns.Turn> turns = Turns.of(sample, options, NAME);
    int offset = 0;
    if (turns.get(0).is("system") && turns.get(0).content().isEmpty()) {
      turns = turns.subList(1, turns.size());
      offset = 1;
    }
    Segment.Builder b = new Segment.Builder().scaffold("<s>");
    for (int i = 0; i < turns.size(); i++) {
      Turns.Turn t = turns.get(i);
      if (t.is("system")) {
        throw Turns.fail(sample, NAME, "the template has no system role (only an empty leading "
            + "system message is allowed)");
      }
      if (t.is("user") != (i % 2 == 0)) {
        throw Turns.fail(sample, NAME,
            "conversation roles must alternate user/assistant/user/assistant/...");
      }
      int m = i + offset;
      if (t.is("user")) {
        b.add("[INST] ", "user", m, Segment.Kind.HEADER)
            .add(t.content(), "user", m, Segment.Kind.CONTENT)
            .add(" [/INST]", "user", m, Segment.Kind.END);
      } else {
        b.add(t.content(), "assistant", m, Segment.Kind.CONTENT)
            .add("</s>", "assistant", m, Segment.Kind.END)
            .scaffold(" ");
      }
    }
    return b.build();
  }
}
