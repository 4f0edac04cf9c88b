package dev.refinery.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.sample.ThinkBlock;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThinkLengthsTest {
  /** Pieces of turns: tags, Java whitespace and not (U+00A0), wide characters, words. */
  private static final String[] PIECES = {"<think>", "</think>", "<think", "think>", "<", " ",
      "\n", "\t", "\u2003", "\u3000", "\u00A0", "\u2028", "😀", "é", "漢", "word", "x", "<b>"};

  @Test
  void theSameLengthsAsThinkBlockOnRandomTurns() {
    Random random = new Random(5);
    ThinkLengths lengths = new ThinkLengths();
    for (int n = 0; n < 100_000; n++) {
      StringBuilder b = new StringBuilder();
      int pieces = random.nextInt(12);
      for (int i = 0; i < pieces; i++) {
        b.append(PIECES[random.nextInt(PIECES.length)]);
      }
      check(lengths, b.toString(), random.nextInt(3));
    }
  }

  @Test
  void theUsualShapes() {
    ThinkLengths lengths = new ThinkLengths();
    for (String s : new String[] {"", "  ", "plain answer", "<think>\n abc \n</think>\n\n  42 😀 ",
        "<think></think>hello", "<think> </think> ", "before <think>t</think> after",
        "before\n<think>t</think>", "<think>t</think>\nafter", "trace only</think> answer",
        "<think>never closed", "a <think>b</think> c </think> d <think> e", "\u2003<think>😀"}) {
      check(lengths, s, 0);
    }
  }

  private static void check(ThinkLengths lengths, String s, int offset) {
    byte[] text = s.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[text.length + offset + 1];
    System.arraycopy(text, 0, b, offset, text.length);
    b[b.length - 1] = '>'; // after the end: must not be read as part of the turn
    assertThat(lengths.measure(b, offset, offset + text.length)).isTrue();
    ThinkBlock block = ThinkBlock.parse(s);
    assertThat(lengths.answer).as("answer of %s", s)
        .isEqualTo(block.answer().codePointCount(0, block.answer().length()));
    int trace = block.trace() == null ? -1 : block.trace().codePointCount(0, block.trace().length());
    assertThat(lengths.trace).as("trace of %s", s).isEqualTo(trace);
  }
}
