package dev.refinery.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key exact_dedup groups by; the grouping itself is KeyedStageTest's. */
class ExactDedupTest {
  static Sample chat(String prompt, String answer) {
    return Sample.builder().uuid(prompt).messages(List.of(Message.of("user", prompt),
        Message.of("assistant", answer))).build();
  }

  private static List<Long> hash(ExactDedup dedup, Sample s) {
    long[] h = new long[2];
    return dedup.hash(s, h) ? List.of(h[0], h[1]) : null;
  }

  @Test
  void promptsEqualAfterNormalizationHashTheSame() {
    ExactDedup dedup = new ExactDedup(DedupKey.of("prompt"));
    List<Long> first = hash(dedup, chat("What is 2+2?", "4"));
    assertThat(hash(dedup, chat("  what IS 2+2? ", "four"))).isEqualTo(first);
    assertThat(hash(dedup, chat("ＷＨＡＴ\tis\n\n2＋2?", "4"))).isEqualTo(first);
    assertThat(hash(dedup, chat("Name a prime.", "7"))).isNotEqualTo(first);
    assertThat(hash(dedup, chat("name a\u00a0prime.", "2")))
        .isEqualTo(hash(dedup, chat("Name a prime.", "7")));
  }

  @Test
  void answerKeyIgnoresTheThinkBlockAndConversationKeyNeedsEveryTurn() {
    Sample a = chat("a", "<think>one way</think>The answer is 4.");
    Sample b = chat("b", "<think>another way</think> the answer is 4.");
    assertThat(hash(new ExactDedup(DedupKey.of("answer")), a))
        .isEqualTo(hash(new ExactDedup(DedupKey.of("answer")), b));
    ExactDedup conversation = new ExactDedup(DedupKey.of("conversation"));
    assertThat(hash(conversation, a)).isNotEqualTo(hash(conversation, b));
    assertThat(hash(conversation, chat("Same", "Turns")))
        .isEqualTo(hash(conversation, chat("same ", " turns")));
  }

  @Test
  void samplesWithoutKeyTextHaveNoKey() {
    ExactDedup dedup = new ExactDedup(DedupKey.of("prompt"));
    assertThat(hash(dedup, Sample.builder().messages(List.of(Message.of("assistant", "hi")))
        .build())).isNull();
    assertThat(hash(dedup, chat("   ", "x"))).isNull();
  }

  @Test
  void unknownKeyNamesTheValidOnes() {
    assertThatThrownBy(() -> DedupKey.of("question"))
        .hasMessageContaining("prompt").hasMessageContaining("answer")
        .hasMessageContaining("conversation");
  }
}
