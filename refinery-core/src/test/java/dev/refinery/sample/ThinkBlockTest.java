package dev.refinery.sample;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ThinkBlockTest {
  @Test
  void splitsTraceFromAnswer() {
    ThinkBlock b = ThinkBlock.parse("<think>\nLet me add.\n</think>\n\nThe sum is 4.");
    assertThat(b.state()).isEqualTo(ThinkBlock.State.CLOSED);
    assertThat(b.trace()).isEqualTo("Let me add.");
    assertThat(b.answer()).isEqualTo("The sum is 4.");
    assertThat(b.hasTrace()).isTrue();
  }

  @Test
  void noTagsMeansNoTrace() {
    ThinkBlock b = ThinkBlock.parse("Just an answer.");
    assertThat(b.state()).isEqualTo(ThinkBlock.State.ABSENT);
    assertThat(b.trace()).isNull();
    assertThat(b.answer()).isEqualTo("Just an answer.");
  }

  @Test
  void emptyBlockIsWellFormedButEmpty() {
    ThinkBlock b = ThinkBlock.parse("<think>\n\n</think>\n\nHi");
    assertThat(b.isEmptyBlock()).isTrue();
    assertThat(b.hasTrace()).isFalse();
    assertThat(b.answer()).isEqualTo("Hi");
  }

  @Test
  void brokenBlocksAreToldApart() {
    assertThat(ThinkBlock.parse("<think>never closed").state())
        .isEqualTo(ThinkBlock.State.UNTERMINATED);
    assertThat(ThinkBlock.parse("trace</think>answer").state())
        .isEqualTo(ThinkBlock.State.STRAY_TAG);
    assertThat(ThinkBlock.parse("trace</think>answer").answer()).isEqualTo("answer");
    assertThat(ThinkBlock.parse("<think>a</think>b<think>c</think>").state())
        .isEqualTo(ThinkBlock.State.STRAY_TAG);
  }

  /** The plain definition: substrings, concatenation, strip. parse must agree with it. */
  private static ThinkBlock reference(String c) {
    int open = c.indexOf("<think>");
    int close = c.indexOf("</think>");
    if (open < 0 && close < 0) {
      return new ThinkBlock(null, c.strip(), ThinkBlock.State.ABSENT);
    }
    if (open < 0 || (close >= 0 && close < open)) {
      return new ThinkBlock(c.substring(0, close).strip(), c.substring(close + 8).strip(),
          ThinkBlock.State.STRAY_TAG);
    }
    if (close < 0) {
      return new ThinkBlock(c.substring(open + 7).strip(), c.substring(0, open).strip(),
          ThinkBlock.State.UNTERMINATED);
    }
    boolean extra = c.indexOf("<think>", open + 1) >= 0 || c.indexOf("</think>", close + 1) >= 0;
    return new ThinkBlock(c.substring(open + 7, close).strip(),
        (c.substring(0, open) + c.substring(close + 8)).strip(),
        extra ? ThinkBlock.State.STRAY_TAG : ThinkBlock.State.CLOSED);
  }

  @Property(tries = 2000)
  void agreesWithThePlainDefinition(@ForAll("contents") String content) {
    assertThat(ThinkBlock.parse(content)).isEqualTo(reference(content));
  }

  @Provide
  Arbitrary<String> contents() {
    return Arbitraries.of("<think>", "</think>", " ", "\n", "\u2003", "a", "bc", "😀", "\t")
        .list().ofMaxSize(12).map(parts -> String.join("", parts));
  }

  /** Filters parse the same turn one after another: the turn is split once, not once each. */
  @Test
  void aTurnParsedAgainIsNotSplitAgain() {
    String turn = "<think>\n steps \n</think>\n\n the answer ";
    ThinkBlock first = ThinkBlock.parse(turn);
    for (int i = 0; i < 3; i++) {
      ThinkBlock.parse("<think>other " + i + "</think>x");
    }
    assertThat(ThinkBlock.parse(turn)).isSameAs(first);
    ThinkBlock equalText = ThinkBlock.parse(new String(turn.toCharArray()));
    assertThat(equalText).isEqualTo(first).isNotSameAs(first);
    assertThat(first).isEqualTo(new ThinkBlock("steps", "the answer", ThinkBlock.State.CLOSED));
    for (int i = 0; i < 5; i++) {
      ThinkBlock.parse("no block " + i);
    }
    assertThat(ThinkBlock.parse(turn)).isEqualTo(first);
  }
}
