package dev.refinery.sample;

import static org.assertj.core.api.Assertions.assertThat;

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
}
