package dev.refinery.generate;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A tokens-per-minute limit: a bucket that refills continuously at {@code perMinute / 60} tokens a
 * second and holds at most one second's worth. Tokens are known only when a response arrives (its
 * usage), so each response debits the bucket, which may go below zero; a new request waits until
 * the bucket is back at zero. Over a long run the tokens sent per minute stay at the limit; a
 * single burst can exceed it by the requests already in flight.
 */
final class TokenBudget {
  private final double perNano;
  private final double capacity;
  private final LongSupplier nanoClock;
  private final Sleeper sleeper;
  private double available;
  private long last;

  TokenBudget(double perMinute, LongSupplier nanoClock, Sleeper sleeper) {
    if (!(perMinute > 0)) {
      throw new IllegalArgumentException("tokens per minute must be positive, got " + perMinute);
    }
    this.perNano = perMinute / 60e9;
    this.capacity = perMinute / 60;
    this.nanoClock = nanoClock;
    this.sleeper = sleeper;
    this.available = capacity;
    this.last = nanoClock.getAsLong();
  }

  static TokenBudget perMinute(double tokens) {
    return new TokenBudget(tokens, System::nanoTime, Sleeper.REAL);
  }

  /** Takes the tokens a response used. */
  synchronized void debit(long tokens) {
    refill();
    available -= tokens;
  }

  /** Waits until the bucket is no longer in debt. */
  void await() throws InterruptedException {
    while (true) {
      long waitNanos;
      synchronized (this) {
        refill();
        if (available >= 0) {
          return;
        }
        waitNanos = (long) Math.ceil(-available / perNano);
      }
      sleeper.sleep(Duration.ofNanos(Math.max(1_000_000, waitNanos)));
    }
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    available = Math.min(capacity, available + (now - last) * perNano);
    last = now;
  }
}
