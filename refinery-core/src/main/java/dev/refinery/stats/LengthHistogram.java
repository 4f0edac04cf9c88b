package dev.refinery.stats;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * An exact histogram of non-negative integer values (lengths, turn counts, tool-call counts): one
 * count per distinct value, so every percentile is exact and memory grows with the number of
 * distinct values, never with the number of samples. Immutable; {@link #plus} merges two
 * histograms, e.g. of two files, and is associative and commutative, so merging partitions in any
 * order gives the same result.
 *
 * <p>Percentiles use the nearest-rank definition: {@code percentile(p)} is the smallest recorded
 * value {@code v} such that at least {@code p}% of the values are {@code <= v}, i.e. the value at
 * 1-based rank {@code max(1, ceil(p / 100 * count))} in sorted order. That is what DuckDB's {@code
 * quantile_disc(x, p / 100)} returns (and Excel's / numpy's {@code method="inverted_cdf"}); no
 * interpolation, so the result is always a value that occurred.
 */
public final class LengthHistogram {
  public static final LengthHistogram EMPTY = new LengthHistogram(new int[0], new long[0], 0, 0);

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  // Distinct values in ascending order and how often each occurred (all counts > 0).
  private final int[] values;
  private final long[] counts;
  private final long count;
  private final long sum;

  private LengthHistogram(int[] values, long[] counts, long count, long sum) {
    this.values = values;
    this.counts = counts;
    this.count = count;
    this.sum = sum;
  }

  /** A histogram of the given values. */
  public static LengthHistogram of(int... values) {
    Recorder r = new Recorder();
    for (int v : values) {
      r.record(v);
    }
    return r.toHistogram();
  }

  /** How many values were recorded. */
  public long count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The sum of all values recorded. */
  public long sum() {
    return sum;
  }

  /** The smallest value; throws {@link NoSuchElementException} when empty. */
  public int min() {
    requireNonEmpty();
    return values[0];
  }

  /** The largest value; throws {@link NoSuchElementException} when empty. */
  public int max() {
    requireNonEmpty();
    return values[values.length - 1];
  }

  /** The arithmetic mean, or NaN when empty. */
  public double mean() {
    return count == 0 ? Double.NaN : (double) sum / count;
  }

  /**
   * The mean rounded half-up to {@code scale} decimals, computed exactly from the integer sum (no
   * floating-point drift between runs or partition orders); null when empty.
   */
  public BigDecimal mean(int scale) {
    return count == 0 ? null
        : BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), scale, RoundingMode.HALF_UP);
  }

  /**
   * The nearest-rank percentile (see the class comment), {@code 0 <= percent <= 100}; the rank is
   * computed in exact decimal arithmetic from {@code percent} as written, so {@code
   * percentile(99.9)} does not suffer from 99.9 not being a binary fraction. Throws {@link
   * NoSuchElementException} when empty.
   */
  public int percentile(double percent) {
    if (!(percent >= 0 && percent <= 100)) {
      throw new IllegalArgumentException("percent must be within 0..100, got " + percent);
    }
    requireNonEmpty();
    long rank = BigDecimal.valueOf(percent).multiply(BigDecimal.valueOf(count))
        .divide(HUNDRED, 0, RoundingMode.CEILING).longValueExact();
    return valueAtRank(Math.max(1, rank));
  }

  /** The value at 1-based {@code rank} in ascending order. */
  public int valueAtRank(long rank) {
    if (rank < 1 || rank > count) {
      throw new IllegalArgumentException("rank must be within 1.." + count + ", got " + rank);
    }
    long seen = 0;
    for (int i = 0; i < values.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return values[i];
      }
    }
    throw new AssertionError("counts add up to " + seen + ", not " + count);
  }

  /** How many times {@code value} was recorded. */
  public long countOf(int value) {
    int i = Arrays.binarySearch(values, value);
    return i < 0 ? 0 : counts[i];
  }

  /** How many recorded values lie within {@code [from, to]} (both inclusive). */
  public long countBetween(int from, int to) {
    long n = 0;
    for (int i = 0; i < values.length && values[i] <= to; i++) {
      if (values[i] >= from) {
        n += counts[i];
      }
    }
    return n;
  }

  /** The merge of this histogram and {@code other}, as if all their values had been recorded. */
  public LengthHistogram plus(LengthHistogram other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    int[] v = new int[values.length + other.values.length];
    long[] c = new long[v.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < values.length || j < other.values.length) {
      if (j == other.values.length
          || (i < values.length && values[i] < other.values[j])) {
        v[n] = values[i];
        c[n++] = counts[i++];
      } else if (i == values.length || other.values[j] < values[i]) {
        v[n] = other.values[j];
        c[n++] = other.counts[j++];
      } else {
        v[n] = values[i];
        c[n++] = counts[i++] + other.counts[j++];
      }
    }
    return new LengthHistogram(Arrays.copyOf(v, n), Arrays.copyOf(c, n),
        count + other.count, sum + other.sum);
  }

  private void requireNonEmpty() {
    if (count == 0) {
      throw new NoSuchElementException("the histogram is empty");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LengthHistogram h && count == h.count && sum == h.sum
        && Arrays.equals(values, h.values) && Arrays.equals(counts, h.counts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(values) + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    if (count == 0) {
      return "LengthHistogram[empty]";
    }
    return "LengthHistogram[count=" + count + ", min=" + min() + ", p50=" + percentile(50)
        + ", max=" + max() + ", mean=" + mean(2) + "]";
  }

  /**
   * Records values one by one; the mutable counterpart of {@link LengthHistogram} for one
   * partition. Not thread safe: give each thread its own and merge the histograms. Values below
   * 65536 (nearly all prompt and answer lengths) land in a dense array that grows as needed, the
   * rare larger ones in a sorted map, so recording is O(1) for the common case.
   */
  public static final class Recorder {
    static final int DENSE_LIMIT = 1 << 16;

    private long[] dense = new long[64];
    private final TreeMap<Integer, Long> sparse = new TreeMap<>();
    private long count;
    private long sum;

    public void record(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("a histogram value must be >= 0, got " + value);
      }
      if (value < DENSE_LIMIT) {
        if (value >= dense.length) {
          dense = Arrays.copyOf(dense,
              Math.min(DENSE_LIMIT, Math.max(dense.length * 2, Integer.highestOneBit(value) * 2)));
        }
        dense[value]++;
      } else {
        sparse.merge(value, 1L, Long::sum);
      }
      count++;
      sum += value;
    }

    public long count() {
      return count;
    }

    /** A snapshot of what has been recorded so far. */
    public LengthHistogram toHistogram() {
      int distinct = sparse.size();
      for (long c : dense) {
        if (c != 0) {
          distinct++;
        }
      }
      int[] values = new int[distinct];
      long[] counts = new long[distinct];
      int n = 0;
      for (int v = 0; v < dense.length; v++) {
        if (dense[v] != 0) {
          values[n] = v;
          counts[n++] = dense[v];
        }
      }
      for (Map.Entry<Integer, Long> e : sparse.entrySet()) {
        values[n] = e.getKey();
        counts[n++] = e.getValue();
      }
      return count == 0 ? EMPTY : new LengthHistogram(values, counts, count, sum);
    }
  }
}
