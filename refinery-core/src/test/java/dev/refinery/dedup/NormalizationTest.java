package dev.refinery.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NormalizationTest {
  @Test
  void defaultFoldsWidthCaseAndWhitespace() {
    assertThat(Normalization.DEFAULT.apply("  Ｈｅｌｌｏ,\u00a0\tWORLD\n ﬁne  "))
        .isEqualTo("hello, world fine");
    assertThat(Normalization.DEFAULT.apply("a\tb")).isEqualTo("a b");
  }

  @Test
  void eachStepCanBeTurnedOff() {
    assertThat(Normalization.NONE.apply(" A\tB ")).isEqualTo(" A\tB ");
    assertThat(new Normalization(false, true, false).apply("ＡB  c")).isEqualTo("ａb  c");
    assertThat(new Normalization(true, false, true).apply(" ＡB \n c")).isEqualTo("AB c");
  }

  /**
   * Collapsing keeps a text whose only spaces are single ' ' between words as it is, and turns
   * every other run of space characters (tabs, no-break and em spaces, leading and trailing) into
   * one ' ' or nothing; checked against the rule written out, on texts of the same length as
   * their result and of others.
   */
  @Test
  void collapseMatchesTheRuleOnRandomTexts() {
    String[] pieces = {"a", "Z", " ", "  ", "\t", "\u00a0", "\u2003", "\n", "\ud83d\ude00", "é"};
    Normalization collapse = new Normalization(false, false, true);
    Random random = new Random(7);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int k = random.nextInt(8); k > 0; k--) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String s = text.toString();
      assertThat(collapse.apply(s)).as("%s", s.codePoints().boxed().toList())
          .isEqualTo(String.join(" ", s.strip().isEmpty() ? new String[0]
              : s.replace('\u00a0', ' ').replace('\u2003', ' ').strip().split("\\s+")));
    }
    assertThat(collapse.apply("a\u00a0b")).isEqualTo("a b");
    assertThat(collapse.apply("a\tb")).isEqualTo("a b");
  }
}
