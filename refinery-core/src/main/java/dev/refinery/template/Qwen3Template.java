package dev.refinery.template;

import dev.refinery.sample.Sample;
import java.util.List;

/**
 * Qwen3's chat template (tokenizer_config.json of Qwen3) for conversations without tools. Beyond
 * ChatML it reshapes assistant turns: the reasoning (text before the first {@code </think>}, after
 * the last {@code <think>}) is dropped from assistant turns before the last user query, and the
 * turns after it are written {@code <think>\n TRACE \n</think>\n\n ANSWER}; the last turn gets an
 * empty think block when it has none. {@code enable_thinking} is not modelled (the generation
 * prompt is the plain {@code <|im_start|>assistant\n}).
 */
final class Qwen3Template implements ChatTemplate {
  static final String NAME = "qwen3";
  private static final String CLOSE = "</think>";
  private static final String OPEN = "<think>";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Segment> segments(Sample sample, RenderOptions options) {
    List<Turns.Turn> turns = Turns.of(sample, options, NAME);
    Segment.Builder b = new Segment.Builder();
    if (turns.get(0).is("system")) {
      turn(b, 0, "system", turns.get(0).content());
    }
    int lastQuery = turns.size() - 1;
    for (int i = turns.size() - 1; i >= 0; i--) {
      Turns.Turn t = turns.get(i);
      if (t.is("user") && !(t.content().startsWith("<tool_response>")
          && t.content().endsWith("</tool_response>"))) {
        lastQuery = i;
        break;
      }
    }
    for (int i = 0; i < turns.size(); i++) {
      Turns.Turn t = turns.get(i);
      if (t.is("user") || (t.is("system") && i > 0)) {
        turn(b, i, t.role(), t.content());
      } else if (t.is("assistant")) {
        String content = t.content();
        String reasoning = "";
        int close = content.indexOf(CLOSE);
        if (close >= 0) {
          content = PyStr.lstrip(content.substring(content.lastIndexOf(CLOSE) + CLOSE.length()),
              '\n');
          String before = PyStr.rstrip(t.content().substring(0, close), '\n');
          int open = before.lastIndexOf(OPEN);
          reasoning = PyStr.lstrip(open < 0 ? before : before.substring(open + OPEN.length()),
              '\n');
        }
        boolean last = i == turns.size() - 1;
        if (i > lastQuery && (last || !reasoning.isEmpty())) {
          turn(b, i, "assistant", "<think>\n" + PyStr.strip(reasoning, '\n') + "\n</think>\n\n"
              + PyStr.lstrip(content, '\n'));
        } else {
          turn(b, i, "assistant", content);
        }
      }
    }
    if (options.addGenerationPrompt()) {
      b.scaffold("<|im_start|>assistant\n");
    }
    return b.build();
  }

  private static void turn(Segment.Builder b, int index, String role, String content) {
    b.add("<|im_start|>" + role + "\n", role, index, Segment.Kind.HEADER)
        .add(content, role, index, Segment.Kind.CONTENT)
        .add("<|im_end|>", role, index, Segment.Kind.END)
        .scaffold("\n");
  }
}
