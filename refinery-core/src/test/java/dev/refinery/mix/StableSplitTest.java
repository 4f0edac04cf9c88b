package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StableSplitTest {

  @Test
  void theHashIsTheDocumentedOneSoOtherToolsCanReproduceIt() {
    // Values from Python: (int.from_bytes(sha256(salt + b"\0" + key).digest()[:8], "big") >> 11)
    // * 2**-53
    assertThat(StableSplit.unit("", "hello")).isEqualTo(0.5397088889644981);
    assertThat(StableSplit.unit("", "What is 2+2?")).isEqualTo(0.2128667674855813);
    assertThat(StableSplit.unit("", "数学")).isEqualTo(0.5283814623046519);
    assertThat(StableSplit.unit("", "")).isEqualTo(0.4304816492364817);
    assertThat(StableSplit.unit("salt", "hello")).isEqualTo(0.796426818259802);
  }

  @Test
  void splitsFollowTheCumulativeFractionsInOrder() {
    StableSplit s = StableSplit.of(StableSplit.parseFractions("train=0.5,validation=0.25,"
        + "test=0.25"), "");
    assertThat(s.names()).containsExactly("train", "validation", "test");
    assertThat(s.names().get(s.splitOf("What is 2+2?"))).isEqualTo("train"); // u = 0.213
    assertThat(s.names().get(s.splitOf("数学"))).isEqualTo("validation"); // u = 0.528
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < 200_000; i++) {
      counts.merge(s.names().get(s.splitOf("prompt " + i)), 1, Integer::sum);
    }
    assertThat(counts.get("train") / 200_000.0).isCloseTo(0.5, within(0.005));
    assertThat(counts.get("validation") / 200_000.0).isCloseTo(0.25, within(0.005));
    assertThat(counts.get("test") / 200_000.0).isCloseTo(0.25, within(0.005));
  }

  @Test
  void aSaltGivesAnIndependentAssignmentAndZeroFractionsGetNothing() {
    StableSplit plain = StableSplit.of(StableSplit.parseFractions("a=0.5,b=0.5"), "");
    StableSplit salted = StableSplit.of(StableSplit.parseFractions("a=0.5,b=0.5"), "v2");
    int differ = 0;
    for (int i = 0; i < 10_000; i++) {
      if (plain.splitOf("k" + i) != salted.splitOf("k" + i)) {
        differ++;
      }
    }
    assertThat(differ).isBetween(4_500, 5_500);
    StableSplit none = StableSplit.of(StableSplit.parseFractions("a=1,empty=0"), "");
    for (int i = 0; i < 10_000; i++) {
      assertThat(none.splitOf("k" + i)).isZero();
    }
  }

  @Test
  void badFractionsFailNamingTheEntry() {
    assertThatThrownBy(() -> StableSplit.parseFractions("train=0.9,validation"))
        .hasMessageContaining("'validation' is not NAME=FRACTION");
    assertThatThrownBy(() -> StableSplit.parseFractions("train=x"))
        .hasMessageContaining("'train=x': the fraction is not a number");
    assertThatThrownBy(() -> StableSplit.parseFractions("a=0.5,a=0.5"))
        .hasMessageContaining("split 'a' is given twice");
    assertThatThrownBy(() -> StableSplit.of(StableSplit.parseFractions("a=0.5,b=0.4"), ""))
        .hasMessageContaining("sum to 0.9");
    assertThatThrownBy(() -> StableSplit.of(StableSplit.parseFractions("a=1.5,b=-0.5"), ""))
        .hasMessageContaining("split 'b' has fraction -0.5");
  }
}
