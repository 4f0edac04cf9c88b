package dev.refinery.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class MathGraderPropertiesTest {

  private static final MathGrader GRADER = MathGrader.standard();

  @Property(tries = 300)
  void fractionSpellingsAndDecimalsAgree(@ForAll @IntRange(min = -2000, max = 2000) int a,
                                         @ForAll @IntRange(min = 1, max = 999) int b) {
    String decimal = new BigDecimal(a).divide(new BigDecimal(b), new MathContext(12))
        .toPlainString();
    String frac = "\\frac{" + a + "}{" + b + "}";
    assertThat(GRADER.equivalent(a + "/" + b, frac)).isTrue();
    assertThat(GRADER.equivalent("\\dfrac{" + a + "}{" + b + "}", frac)).isTrue();
    assertThat(GRADER.equivalent(decimal, frac)).as("%s = %s", decimal, frac).isTrue();
    assertThat(GRADER.equivalent(decimal, "\\frac{" + (a + 1) + "}{" + b + "}")).isFalse();
  }

  @Property(tries = 200)
  void percentMatchesItsHundredth(@ForAll @IntRange(min = 1, max = 100_000) int tenths) {
    String percent = new BigDecimal(tenths).movePointLeft(1).toPlainString() + "\\%";
    String fraction = new BigDecimal(tenths).movePointLeft(3).toPlainString();
    assertThat(GRADER.equivalent(percent, fraction)).as("%s = %s", percent, fraction).isTrue();
    String other = new BigDecimal(tenths + 1).movePointLeft(3).toPlainString();
    assertThat(GRADER.equivalent(other, percent)).isFalse();
  }

  @Property(tries = 200)
  void factoredAndExpandedQuadraticsAgree(@ForAll @IntRange(min = -20, max = 20) int p,
                                          @ForAll @IntRange(min = -20, max = 20) int q) {
    String factored = "(x" + signed(p) + ")(x" + signed(q) + ")";
    String expanded = "x^2" + signed(p + q) + "x" + signed(p * q);
    assertThat(GRADER.equivalent(factored, expanded)).as("%s = %s", factored, expanded).isTrue();
    String wrong = "x^2" + signed(p + q) + "x" + signed(p * q + 1);
    assertThat(GRADER.equivalent(factored, wrong)).isFalse();
  }

  @Property(tries = 300)
  void whateverIsBoxedIsExtracted(@ForAll("balanced") String content) {
    Assume.that(!content.isBlank());
    String response = "we find \\boxed{0} at first; finally $\\boxed{" + content + "}$.";
    assertThat(BoxedAnswer.last(response)).contains(content.strip());
  }

  @Provide
  Arbitrary<String> balanced() {
    Arbitrary<String> atoms = Arbitraries.of("1", "x", "+", "-", "\\frac", "\\{", "\\}", " ",
        "\\sqrt", "^", "2", "(", ")", ",");
    return Arbitraries.recursive(
        () -> atoms.list().ofMaxSize(4).map(l -> String.join("", l)),
        inner -> Arbitraries.oneOf(inner.map(s -> "{" + s + "}"),
            Arbitraries.strings().withChars("ab12").ofMaxLength(3)
                .flatMap(prefix -> inner.map(s -> prefix + s))),
        0, 4);
  }

  private static String signed(int n) {
    return n < 0 ? String.valueOf(n) : "+" + n;
  }
}
