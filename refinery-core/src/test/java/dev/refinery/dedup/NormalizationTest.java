package dev.refinery.dedup;

import static org.assertj.core.api.Assertions.assertThat;

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
}
