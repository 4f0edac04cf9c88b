package dev.refinery.mix;

import dev.refinery.RefineryException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The order in which {@code interleave} draws rows from several sources, with the semantics of
 * Hugging Face datasets' {@code interleave_datasets} on map-style datasets:
 *
 * <ul>
 *   <li>Without probabilities the sources take turns, one row each, in the order given. With
 *       {@link Stopping#FIRST_EXHAUSTED} it stops after the round in which the shortest source
 *       runs out (every source gives {@code min(lengths)} rows); with {@link
 *       Stopping#ALL_EXHAUSTED} it goes on for {@code max(lengths)} rounds, shorter sources
 *       starting again from their first row.
 *   <li>With probabilities each row comes from a source drawn at random with those
 *       probabilities. A source that runs out starts again from its first row; {@code
 *       first_exhausted} stops as soon as any source has run out, {@code all_exhausted} as soon as
 *       every source has run out at least once.
 * </ul>
 *
 * <p>The random draws come from {@link SplittableRandom} seeded with the seed, not numpy's
 * generator: the same seed gives the same order on every run of Refinery, but not the order
 * Python would produce.
 */
public final class Interleave {
  private Interleave() {}

  /** When interleaving stops. */
  public enum Stopping {
    /** Stop when the first source runs out (undersampling). */
    FIRST_EXHAUSTED,
    /** Stop when every source has run out at least once (oversampling). */
    ALL_EXHAUSTED;

    /** Parses {@code first_exhausted} or {@code all_exhausted}. */
    public static Stopping parse(String text) {
      String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      return switch (t) {
        case "first_exhausted" -> FIRST_EXHAUSTED;
        case "all_exhausted" -> ALL_EXHAUSTED;
        default -> throw new RefineryException("unknown stopping strategy '" + text
            + "'; use first_exhausted or all_exhausted");
      };
    }
  }

  /** One drawn row: the index of its source and its row number within that source. */
  public record Pick(int source, long row) {}

  /**
   * The picks for sources of the given row counts. {@code probabilities} is null for taking turns,
   * else one per source, each at least 0, summing to 1. Fails with a one-line message naming the
   * source when a source is empty, or when {@code all_exhausted} could never stop because a source
   * has probability 0.
   */
  public static Iterator<Pick> order(List<String> names, long[] lengths, double[] probabilities,
      long seed, Stopping stopping) {
    if (names.size() != lengths.length) {
      throw new IllegalArgumentException(names.size() + " names for " + lengths.length
          + " sources");
    }
    if (lengths.length == 0) {
      throw new RefineryException("interleave needs at least one source");
    }
    for (int i = 0; i < lengths.length; i++) {
      if (lengths[i] <= 0) {
        throw new RefineryException("source '" + names.get(i) + "' is empty");
      }
    }
    if (probabilities == null) {
      return new TakingTurns(lengths, stopping);
    }
    Weights.checkProbabilities(names, probabilities);
    if (stopping == Stopping.ALL_EXHAUSTED) {
      for (int i = 0; i < probabilities.length; i++) {
        if (probabilities[i] == 0) {
          throw new RefineryException("source '" + names.get(i) + "' has probability 0, so "
              + "all_exhausted would never stop; give it a probability or use first_exhausted");
        }
      }
    }
    return new RandomDraws(lengths, probabilities, seed, stopping);
  }

  private static final class TakingTurns implements Iterator<Pick> {
    private final long[] lengths;
    private final long rounds;
    private long round;
    private int source;

    TakingTurns(long[] lengths, Stopping stopping) {
      this.lengths = lengths;
      long min = Long.MAX_VALUE;
      long max = 0;
      for (long n : lengths) {
        min = Math.min(min, n);
        max = Math.max(max, n);
      }
      this.rounds = stopping == Stopping.FIRST_EXHAUSTED ? min : max;
    }

    @Override
    public boolean hasNext() {
      return round < rounds;
    }

    @Override
    public Pick next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Pick p = new Pick(source, round % lengths[source]);
      if (++source == lengths.length) {
        source = 0;
        round++;
      }
      return p;
    }
  }

  private static final class RandomDraws implements Iterator<Pick> {
    private final long[] lengths;
    private final double[] cumulative;
    private final SplittableRandom random;
    private final Stopping stopping;
    private final long[] current;
    private final boolean[] exhausted;
    private int exhaustedCount;

    RandomDraws(long[] lengths, double[] probabilities, long seed, Stopping stopping) {
      this.lengths = lengths;
      this.cumulative = new double[probabilities.length];
      double sum = 0;
      for (int i = 0; i < probabilities.length; i++) {
        sum += probabilities[i];
        cumulative[i] = sum;
      }
      this.random = new SplittableRandom(seed);
      this.stopping = stopping;
      this.current = new long[lengths.length];
      this.exhausted = new boolean[lengths.length];
    }

    @Override
    public boolean hasNext() {
      return stopping == Stopping.FIRST_EXHAUSTED ? exhaustedCount == 0
          : exhaustedCount < lengths.length;
    }

    @Override
    public Pick next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int source = draw();
      Pick p = new Pick(source, current[source]);
      if (++current[source] >= lengths[source]) {
        current[source] = 0;
        if (!exhausted[source]) {
          exhausted[source] = true;
          exhaustedCount++;
        }
      }
      return p;
    }

    private int draw() {
      double u = random.nextDouble() * cumulative[cumulative.length - 1];
      for (int i = 0; i < cumulative.length; i++) {
        if (u < cumulative[i]) {
          return i;
        }
      }
      // u can equal the total only through rounding: the last source with weight.
      for (int i = cumulative.length - 1; i > 0; i--) {
        if (cumulative[i] > cumulative[i - 1]) {
          return i;
        }
      }
      return 0;
    }
  }
}
