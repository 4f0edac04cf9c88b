package dev.refinery.template;

import dev.refinery.sample.Sample;
import java.util.List;

/**
 * The Stanford Alpaca prompt (the variant without input) for single-turn samples: one user turn,
 * optionally one assistant turn after it; an empty leading system message is allowed and dropped.
 * Without an assistant turn the text ends after {@code ### Response:\n}.
 */
final class AlpacaTemplate implements ChatTemplate {
  static final String NAME = "alpaca";
  static final String PREAMBLE = "Below is an instruction that describes a task. Write a response "
      + "that appropriately completes the request.\n\n### Instruction:\n";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Segment> segments(Sample sample, RenderOptions options) {
    List<Turns.Turn> turns = Turns.of(sample, options, NAME);
    int offset = 0;
    if (turns.get(0).is("system")) {
      offset = 1;
      if (!turns.get(0).content().isEmpty()) {
        throw Turns.fail(sample, NAME, "the Alpaca prompt has no place for a system message");
      }
      turns = turns.subList(1, turns.size());
    }
    boolean ok = (turns.size() == 1 && turns.get(0).is("user"))
        || (turns.size() == 2 && turns.get(0).is("user") && turns.get(1).is("assistant"));
    if (!ok) {
      throw Turns.fail(sample, NAME, "the Alpaca prompt takes one user turn and at most one "
          + "assistant turn; this sample has " + turns.size() + " turns");
    }
    Segment.Builder b = new Segment.Builder()
        .add(PREAMBLE, "user", offset, Segment.Kind.HEADER)
        .add(turns.get(0).content(), "user", offset, Segment.Kind.CONTENT);
    if (turns.size() == 2) {
      b.add("\n\n### Response:\n", "assistant", offset + 1, Segment.Kind.HEADER)
          .add(turns.get(1).content(), "assistant", offset + 1, Segment.Kind.CONTENT);
    } else {
      b.scaffold("\n\n### Response:\n");
    }
    return b.build();
  }
}
