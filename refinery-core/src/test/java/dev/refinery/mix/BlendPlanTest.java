package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.mix.BlendPlan.Allocation;
import dev.refinery.mix.BlendPlan.Source;
import dev.refinery.mix.BlendPlan.Unit;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BlendPlanTest {

  private static Source source(String name, double weight, int rows, int seed) {
    Random r = new Random(seed);
    int[] tokens = new int[rows];
    for (int i = 0; i < rows; i++) {
      tokens[i] = 20 + r.nextInt(2000);
    }
    return new Source(name, weight, tokens);
  }

  @Test
  void samplesDownSampleWithoutReplacementAndUpSampleByEpochs() {
    List<Source> sources = List.of(source("math", 3, 10_000, 1), source("chat", 1, 700, 2));
    BlendPlan plan = BlendPlan.plan(sources, Unit.SAMPLES, 8_000, 7);
    Allocation math = plan.allocations().get(0);
    Allocation chat = plan.allocations().get(1);
    assertThat(math.realizedSamples()).isEqualTo(6_000);
    assertThat(math.epochs()).isZero();
    assertThat(copies(math)).containsOnly(0, 1);
    assertThat(chat.realizedSamples()).isEqualTo(2_000);
    assertThat(chat.epochs()).isEqualTo(2); // 2 * 700 + 600
    assertThat(copies(chat)).containsOnly(2, 3);
    assertThat(Arrays.stream(copies(chat)).filter(c -> c == 3).count()).isEqualTo(600);
    assertThat(plan.realizedSamples()).isEqualTo(8_000);
    assertThat(plan.withinTolerance(math)).isTrue();
    assertThat(plan.withinTolerance(chat)).isTrue();
  }

  @Property(tries = 100)
  void sharesAreExactToOneSampleAndDeterministicForASeed(
      @ForAll @IntRange(min = 1, max = 50) int w1, @ForAll @IntRange(min = 1, max = 50) int w2,
      @ForAll @IntRange(min = 1, max = 20_000) int total, @ForAll @LongRange(min = 0, max = 99)
      long seed) {
    List<Source> sources = List.of(source("a", w1, 500, 1), source("b", w2, 3000, 2));
    BlendPlan plan = BlendPlan.plan(sources, Unit.SAMPLES, total, seed);
    assertThat(plan.realizedSamples()).isEqualTo(total);
    for (Allocation a : plan.allocations()) {
      assertThat(Math.abs(a.realizedSamples() - total * a.requestedShare())).isLessThan(1.0);
      assertThat(a.realizedSamples()).isEqualTo(Arrays.stream(copies(a)).asLongStream().sum());
    }
    BlendPlan again = BlendPlan.plan(sources, Unit.SAMPLES, total, seed);
    for (int i = 0; i < 2; i++) {
      assertThat(again.allocations().get(i).copies())
          .isEqualTo(plan.allocations().get(i).copies());
    }
  }

  @Test
  void differentSeedsDrawDifferentRowsAndAddingASourceKeepsTheOthersDraws() {
    Source a = source("a", 1, 5000, 1);
    Source b = source("b", 1, 5000, 2);
    BlendPlan one = BlendPlan.plan(List.of(a, b), Unit.SAMPLES, 4000, 1);
    BlendPlan two = BlendPlan.plan(List.of(a, b), Unit.SAMPLES, 4000, 2);
    assertThat(two.allocations().get(0).copies()).isNotEqualTo(one.allocations().get(0).copies());
    BlendPlan three = BlendPlan.plan(List.of(a, new Source("b", 1, b.rowTokens()),
        source("c", 0, 10, 3)), Unit.SAMPLES, 4000, 1);
    assertThat(three.allocations().get(0).copies()).isEqualTo(one.allocations().get(0).copies());
  }

  @Test
  void tokenSharesLandWithinHalfAPercentWhenRowsAreSmall() {
    List<Source> sources = List.of(source("math", 0.5, 20_000, 1), source("code", 0.3, 9_000,
        2), source("chat", 0.2, 1_000, 3));
    long total = 20_000_000;
    BlendPlan plan = BlendPlan.plan(sources, Unit.TOKENS, total, 11);
    for (Allocation a : plan.allocations()) {
      assertThat(plan.withinTolerance(a)).as(a.name() + " " + plan.realizedShare(a)).isTrue();
    }
    assertThat(plan.allocations().get(2).epochs()).isGreaterThanOrEqualTo(3);
    assertThat(Math.abs(plan.realizedTokens() - total) / (double) total).isLessThan(0.001);
  }

  @Test
  void tooCoarseSourcesAreReportedOutsideTheTolerance() {
    Source big = new Source("big", 1, new int[] {10_000, 10_000, 10_000});
    Source small = source("small", 1, 1_000, 4);
    BlendPlan plan = BlendPlan.plan(List.of(big, small), Unit.TOKENS, 30_000, 1);
    assertThat(plan.withinTolerance(plan.allocations().get(0))).isFalse();
  }

  @Test
  void badWeightsAndSourcesFailNamingTheSource() {
    Source a = source("a", 1, 10, 1);
    assertThatThrownBy(() -> BlendPlan.plan(List.of(a, new Source("b", -1, new int[] {1})),
        Unit.SAMPLES, 10, 0)).hasMessageContaining("source 'b' has weight -1.0");
    assertThatThrownBy(() -> BlendPlan.plan(List.of(new Source("a", 0, new int[] {1}),
        new Source("b", 0, new int[] {1})), Unit.SAMPLES, 10, 0))
        .hasMessageContaining("weights of a, b sum to 0");
    assertThatThrownBy(() -> BlendPlan.plan(List.of(a, new Source("empty", 1, new int[0])),
        Unit.SAMPLES, 10, 0)).hasMessage("source 'empty' is empty");
    assertThatThrownBy(() -> BlendPlan.plan(List.of(a), Unit.SAMPLES, 0, 0))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> BlendPlan.plan(List.of(a), Unit.SAMPLES, 10_000, 0))
        .hasMessageContaining("source 'a' would be repeated 1000 times");
  }

  private static int[] copies(Allocation a) {
    int[] out = new int[a.copies().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.copies()[i];
    }
    return out;
  }
}
