package dev.refinery.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LengthHistogramTest {

  @Test
  void percentilesAreNearestRankLikeDuckDbQuantileDisc() {
    // DuckDB: SELECT quantile_disc(x, [0.5, 0.9, 0.99]) FROM range(1, 11) t(x) -> [5, 9, 10]
    LengthHistogram h = LengthHistogram.of(10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    assertThat(h.percentile(50)).isEqualTo(5);
    assertThat(h.percentile(90)).isEqualTo(9);
    assertThat(h.percentile(99)).isEqualTo(10);
    assertThat(h.percentile(100)).isEqualTo(10);
    assertThat(h.percentile(0)).isEqualTo(1);
    assertThat(h.percentile(10)).isEqualTo(1);
    assertThat(h.percentile(10.5)).isEqualTo(2);
    // An even count takes the lower middle value, never an average of two.
    assertThat(LengthHistogram.of(1, 2, 3, 4).percentile(50)).isEqualTo(2);
    assertThat(LengthHistogram.of(7).percentile(1)).isEqualTo(7);
  }

  @Test
  void percentileRankIsExactForDecimalPercents() {
    // 1000 values 1..1000: p99.9 is rank ceil(999.0) = 999; a binary double 99.9 * 1000 / 100
    // computed naively is 999.0000000000001 and would give rank 1000.
    int[] values = new int[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i + 1;
    }
    assertThat(LengthHistogram.of(values).percentile(99.9)).isEqualTo(999);
  }

  @Test
  void summaryValues() {
    LengthHistogram h = LengthHistogram.of(3, 0, 3, 100_000, 70_000, 3);
    assertThat(h.count()).isEqualTo(6);
    assertThat(h.min()).isZero();
    assertThat(h.max()).isEqualTo(100_000);
    assertThat(h.sum()).isEqualTo(170_009);
    assertThat(h.countOf(3)).isEqualTo(3);
    assertThat(h.countOf(4)).isZero();
    assertThat(h.mean(2)).isEqualByComparingTo(new BigDecimal("28334.83"));
    assertThat(h.percentile(50)).isEqualTo(3);
    assertThat(h.percentile(90)).isEqualTo(100_000);
    assertThat(h.percentile(80)).isEqualTo(70_000);
  }

  @Test
  void emptyHistogram() {
    LengthHistogram h = new LengthHistogram.Recorder().toHistogram();
    assertThat(h).isSameAs(LengthHistogram.EMPTY);
    assertThat(h.count()).isZero();
    assertThat(h.mean(2)).isNull();
    assertThat(h.mean()).isNaN();
    assertThatThrownBy(() -> h.percentile(50)).isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(h::max).isInstanceOf(NoSuchElementException.class);
    assertThat(h.plus(LengthHistogram.of(4))).isEqualTo(LengthHistogram.of(4));
  }

  @Test
  void rejectsNegativeValuesAndBadPercents() {
    assertThatThrownBy(() -> LengthHistogram.of(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LengthHistogram.of(1).percentile(101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void percentilesMatchSortedValues(@ForAll("values") List<Integer> values,
                                    @ForAll @IntRange(min = 0, max = 100) int percent) {
    LengthHistogram h = histogramOf(values);
    int[] sorted = values.stream().mapToInt(Integer::intValue).sorted().toArray();
    // nearest rank: the value at 1-based rank ceil(p/100 * n), at least 1
    long rank = Math.max(1, (percent * (long) sorted.length + 99) / 100);
    assertThat(h.percentile(percent)).isEqualTo(sorted[(int) rank - 1]);
    assertThat(h.count()).isEqualTo(sorted.length);
    assertThat(h.min()).isEqualTo(sorted[0]);
    assertThat(h.max()).isEqualTo(sorted[sorted.length - 1]);
    assertThat(h.sum()).isEqualTo(Arrays.stream(sorted).asLongStream().sum());
    // The definition in words: the smallest recorded v with at least p% of the values <= v.
    int v = h.percentile(percent);
    long atMost = Arrays.stream(sorted).filter(x -> x <= v).count();
    long below = Arrays.stream(sorted).filter(x -> x < v).count();
    assertThat(atMost * 100).isGreaterThanOrEqualTo((long) percent * sorted.length);
    assertThat(below * 100 < (long) percent * sorted.length || below == 0).isTrue();
  }

  @Property(tries = 200)
  void plusEqualsRecordingEverything(@ForAll("values") List<Integer> a,
                                     @ForAll("values") List<Integer> b) {
    List<Integer> all = new ArrayList<>(a);
    all.addAll(b);
    LengthHistogram merged = histogramOf(a).plus(histogramOf(b));
    assertThat(merged).isEqualTo(histogramOf(all));
    assertThat(merged).isEqualTo(histogramOf(b).plus(histogramOf(a)));
  }

  @Provide
  Arbitrary<List<Integer>> values() {
    // Mostly small values, some around the dense/sparse boundary, some far above it.
    Arbitrary<Integer> v = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 300)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(65_530, 65_540)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, Integer.MAX_VALUE)));
    return v.list().ofMinSize(1).ofMaxSize(200);
  }

  private static LengthHistogram histogramOf(List<Integer> values) {
    LengthHistogram.Recorder r = new LengthHistogram.Recorder();
    values.forEach(r::record);
    return r.toHistogram();
  }
}
