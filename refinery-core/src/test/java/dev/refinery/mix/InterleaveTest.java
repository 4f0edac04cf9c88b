package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.mix.Interleave.Pick;
import dev.refinery.mix.Interleave.Stopping;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class InterleaveTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  /** Picks as indices into the concatenation of the sources, as Hugging Face datasets shows them. */
  private static List<Long> concatenated(Iterator<Pick> picks, long[] lengths) {
    long[] offsets = new long[lengths.length];
    for (int i = 1; i < lengths.length; i++) {
      offsets[i] = offsets[i - 1] + lengths[i - 1];
    }
    List<Long> out = new ArrayList<>();
    picks.forEachRemaining(p -> out.add(offsets[p.source()] + p.row()));
    return out;
  }

  @Test
  void takingTurnsMatchesTheDocumentedExamplesOfHuggingFaceDatasets() {
    long[] lengths = {3, 4, 5};
    assertThat(concatenated(Interleave.order(ABC, lengths, null, 0, Stopping.FIRST_EXHAUSTED),
        lengths)).containsExactly(0L, 3L, 7L, 1L, 4L, 8L, 2L, 5L, 9L);
    assertThat(concatenated(Interleave.order(ABC, lengths, null, 0, Stopping.ALL_EXHAUSTED),
        lengths)).containsExactly(0L, 3L, 7L, 1L, 4L, 8L, 2L, 5L, 9L, 0L, 6L, 10L, 1L, 3L, 11L);
  }

  @Property(tries = 200)
  void firstExhaustedStopsRightAfterTheFirstSourceRunsOut(
      @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 40) Integer> sizes,
      @ForAll @LongRange(min = 0, max = 1000) long seed) {
    long[] lengths = sizes.stream().mapToLong(Integer::longValue).toArray();
    List<String> names = names(lengths.length);
    List<Pick> picks = new ArrayList<>();
    Interleave.order(names, lengths, uniform(lengths.length), seed, Stopping.FIRST_EXHAUSTED)
        .forEachRemaining(picks::add);
    long[] taken = counts(picks, lengths.length);
    Pick last = picks.get(picks.size() - 1);
    assertThat(taken[last.source()]).isEqualTo(lengths[last.source()]);
    for (int i = 0; i < lengths.length; i++) {
      if (i != last.source()) {
        assertThat(taken[i]).isLessThan(lengths[i]);
      }
    }
    assertRowsInOrderPerSource(picks, lengths);
  }

  @Property(tries = 200)
  void allExhaustedStopsWhenTheLastSourceHasRunOutOnce(
      @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 40) Integer> sizes,
      @ForAll @LongRange(min = 0, max = 1000) long seed) {
    long[] lengths = sizes.stream().mapToLong(Integer::longValue).toArray();
    List<Pick> picks = new ArrayList<>();
    Interleave.order(names(lengths.length), lengths, uniform(lengths.length), seed,
        Stopping.ALL_EXHAUSTED).forEachRemaining(picks::add);
    long[] taken = counts(picks, lengths.length);
    for (int i = 0; i < lengths.length; i++) {
      assertThat(taken[i]).isGreaterThanOrEqualTo(lengths[i]);
    }
    Pick last = picks.get(picks.size() - 1);
    assertThat(taken[last.source()]).isEqualTo(lengths[last.source()]);
    assertRowsInOrderPerSource(picks, lengths);
  }

  @Test
  void drawsFollowTheProbabilitiesAndTheSeed() {
    long[] lengths = {1_000_000, 1_000_000, 1_000_000};
    double[] p = {0.7, 0.2, 0.1};
    Iterator<Pick> it = Interleave.order(ABC, lengths, p, 42, Stopping.FIRST_EXHAUSTED);
    long[] taken = new long[3];
    for (int i = 0; i < 100_000; i++) {
      taken[it.next().source()]++;
    }
    assertThat(taken[0] / 100_000.0).isCloseTo(0.7, org.assertj.core.data.Offset.offset(0.01));
    assertThat(taken[1] / 100_000.0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.01));
    assertThat(taken[2] / 100_000.0).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));

    long[] small = {30, 30, 30};
    List<Pick> one = new ArrayList<>();
    List<Pick> same = new ArrayList<>();
    List<Pick> other = new ArrayList<>();
    Interleave.order(ABC, small, p, 1, Stopping.ALL_EXHAUSTED).forEachRemaining(one::add);
    Interleave.order(ABC, small, p, 1, Stopping.ALL_EXHAUSTED).forEachRemaining(same::add);
    Interleave.order(ABC, small, p, 2, Stopping.ALL_EXHAUSTED).forEachRemaining(other::add);
    assertThat(same).isEqualTo(one);
    assertThat(other).isNotEqualTo(one);
  }

  @Test
  void badSourcesAndProbabilitiesFailNamingTheSource() {
    assertThatThrownBy(() -> Interleave.order(ABC, new long[] {3, 0, 2}, null, 0,
        Stopping.FIRST_EXHAUSTED)).isInstanceOf(RefineryException.class)
        .hasMessage("source 'b' is empty");
    assertThatThrownBy(() -> Interleave.order(ABC, new long[] {3, 3, 2},
        new double[] {0.5, 0.5, 0}, 0, Stopping.ALL_EXHAUSTED))
        .hasMessageContaining("source 'c' has probability 0");
    assertThatThrownBy(() -> Interleave.order(ABC, new long[] {3, 3, 2},
        new double[] {0.5, 0.5, 0.5}, 0, Stopping.FIRST_EXHAUSTED))
        .hasMessageContaining("sum to 1.5");
    assertThatThrownBy(() -> Interleave.order(ABC, new long[] {3, 3, 2},
        new double[] {0.5, -0.5, 1}, 0, Stopping.FIRST_EXHAUSTED))
        .hasMessageContaining("source 'b' has probability -0.5");
    assertThatThrownBy(() -> Stopping.parse("longest")).hasMessageContaining("first_exhausted");
  }

  private static void assertRowsInOrderPerSource(List<Pick> picks, long[] lengths) {
    long[] next = new long[lengths.length];
    for (Pick p : picks) {
      assertThat(p.row()).isEqualTo(next[p.source()]);
      next[p.source()] = (next[p.source()] + 1) % lengths[p.source()];
    }
  }

  private static long[] counts(List<Pick> picks, int sources) {
    long[] taken = new long[sources];
    picks.forEach(p -> taken[p.source()]++);
    return taken;
  }

  private static double[] uniform(int n) {
    double[] p = new double[n];
    java.util.Arrays.fill(p, 1.0 / n);
    return p;
  }

  private static List<String> names(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("s" + i);
    }
    return out;
  }
}
