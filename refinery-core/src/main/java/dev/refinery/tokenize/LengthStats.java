package dev.refinery.tokenize;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link LengthLimit} did: an immutable value; {@link #plus} adds two partitions up.
 * Invariant: {@code seen == fitting + dropped + truncated + keptOverLong}.
 *
 * @param seen samples looked at
 * @param fitting samples no longer than the maximum, passed unchanged
 * @param dropped over-long samples left out
 * @param truncated over-long samples cut to the maximum
 * @param keptOverLong over-long samples kept whole
 * @param tokensCut tokens removed by truncation
 */
public record LengthStats(
    long seen, long fitting, long dropped, long truncated, long keptOverLong, long tokensCut) {

  public static final LengthStats ZERO = new LengthStats(0, 0, 0, 0, 0, 0);

  public LengthStats {
    if (seen != fitting + dropped + truncated + keptOverLong) {
      throw new IllegalArgumentException("Length stats do not add up: seen " + seen
          + " != fitting " + fitting + " + dropped " + dropped + " + truncated " + truncated
          + " + kept " + keptOverLong);
    }
  }

  public LengthStats plus(LengthStats o) {
    return new LengthStats(seen + o.seen, fitting + o.fitting, dropped + o.dropped,
        truncated + o.truncated, keptOverLong + o.keptOverLong, tokensCut + o.tokensCut);
  }

  /** Thread-safe counts for a hot path; {@link #snapshot} reads them as a value. */
  public static final class Counter {
    private final LongAdder fitting = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private final LongAdder kept = new LongAdder();
    private final LongAdder tokensCut = new LongAdder();

    void fitting() {
      fitting.increment();
    }

    void dropped() {
      dropped.increment();
    }

    void truncated(int cut) {
      truncated.increment();
      tokensCut.add(cut);
    }

    void kept() {
      kept.increment();
    }

    /**
     * The counts so far. Taken while other threads still count, the parts are read one after
     * the other; call it once counting is done for a consistent value.
     */
    public LengthStats snapshot() {
      long f = fitting.sum();
      long d = dropped.sum();
      long t = truncated.sum();
      long k = kept.sum();
      return new LengthStats(f + d + t + k, f, d, t, k, tokensCut.sum());
    }
  }
}
