package dev.refinery.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LengthLimitTest {

  private static TokenizedSample sample(String uuid, int length) {
    int[] ids = new int[length];
    byte[] mask = new byte[length];
    for (int i = 0; i < length; i++) {
      ids[i] = i + 10;
      mask[i] = (byte) (i % 2);
    }
    return new TokenizedSample(uuid, ids, mask, "math", "train");
  }

  @Test
  void dropTruncateAndKeepAreCountedAndAddUp() {
    LengthStats.Counter drop = new LengthStats.Counter();
    LengthStats.Counter cut = new LengthStats.Counter();
    LengthStats.Counter keep = new LengthStats.Counter();
    LengthLimit d = new LengthLimit(LengthPolicy.DROP, 4);
    LengthLimit t = new LengthLimit(LengthPolicy.TRUNCATE, 4);
    LengthLimit k = new LengthLimit(LengthPolicy.KEEP, 4);
    for (int len : new int[] {1, 4, 5, 9}) {
      TokenizedSample s = sample("u" + len, len);
      TokenizedSample dropped = d.apply(s, drop);
      TokenizedSample truncated = t.apply(s, cut);
      TokenizedSample kept = k.apply(s, keep);
      if (len <= 4) {
        assertThat(dropped).isSameAs(s);
        assertThat(truncated).isSameAs(s);
      } else {
        assertThat(dropped).isNull();
        assertThat(truncated.length()).isEqualTo(4);
        assertThat(truncated.inputIds()).containsExactly(10, 11, 12, 13);
        assertThat(truncated.lossMask()).containsExactly(0, 1, 0, 1);
        assertThat(truncated.category()).isEqualTo("math");
        assertThat(truncated.split()).isEqualTo("train");
      }
      assertThat(kept).isSameAs(s);
    }
    assertThat(drop.snapshot()).isEqualTo(new LengthStats(4, 2, 2, 0, 0, 0));
    assertThat(cut.snapshot()).isEqualTo(new LengthStats(4, 2, 0, 2, 0, 1 + 5));
    assertThat(keep.snapshot()).isEqualTo(new LengthStats(4, 2, 0, 0, 2, 0));
    assertThat(drop.snapshot().plus(cut.snapshot()).plus(keep.snapshot()))
        .isEqualTo(new LengthStats(12, 6, 2, 2, 2, 6));
  }

  @Test
  void statsThatDoNotAddUpAreRejected() {
    assertThatThrownBy(() -> new LengthStats(3, 1, 1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not add up");
  }

  @Test
  void policiesParseFromTheirNames() {
    assertThat(LengthPolicy.parse("drop")).isEqualTo(LengthPolicy.DROP);
    assertThat(LengthPolicy.parse(" Truncate")).isEqualTo(LengthPolicy.TRUNCATE);
    assertThat(LengthPolicy.parse("KEEP")).isEqualTo(LengthPolicy.KEEP);
    assertThat(LengthPolicy.TRUNCATE).hasToString("truncate");
    assertThatThrownBy(() -> LengthPolicy.parse("cut"))
        .hasMessage("Unknown length policy 'cut': expected drop, truncate or keep.");
  }

  @Test
  void samplesCheckTheirMask() {
    assertThatThrownBy(() -> new TokenizedSample("a", new int[] {1, 2}, new byte[] {1}))
        .hasMessageContaining("2 token ids but a loss mask of 1");
    assertThatThrownBy(() -> new TokenizedSample("a", new int[] {1}, new byte[] {2}))
        .hasMessageContaining("loss mask value 2");
    TokenizedSample s = TokenizedSample.allTrained("a", new int[] {5, 6, 7});
    assertThat(s.trainedTokens()).isEqualTo(3);
    assertThat(s).isEqualTo(TokenizedSample.allTrained("a", new int[] {5, 6, 7}));
    assertThatThrownBy(() -> new LengthLimit(LengthPolicy.DROP, 0))
        .hasMessageContaining("at least 1");
  }
}
