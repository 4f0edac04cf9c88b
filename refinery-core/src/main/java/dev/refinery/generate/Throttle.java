package dev.refinery.generate;

import dev.refinery.internal.Json;
import dev.refinery.sample.Sample;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The limits {@code refinery generate} puts on a whole run, shared by every thread that sends
 * requests: new requests per second ({@code --rate-limit}; retries are not paced) and tokens per
 * minute ({@code --tokens-per-minute}, see {@link TokenBudget}). Zero means no limit.
 */
public final class Throttle {
  private final long intervalNanos;
  private final TokenBudget tokens;
  private long next = System.nanoTime();

  public Throttle(double requestsPerSecond, double tokensPerMinute) {
    if (requestsPerSecond < 0 || Double.isNaN(requestsPerSecond)) {
      throw new IllegalArgumentException("--rate-limit may not be negative");
    }
    if (tokensPerMinute < 0 || Double.isNaN(tokensPerMinute)) {
      throw new IllegalArgumentException("--tokens-per-minute may not be negative");
    }
    this.intervalNanos = requestsPerSecond > 0 ? (long) (1e9 / requestsPerSecond) : 0;
    this.tokens = tokensPerMinute > 0 ? TokenBudget.perMinute(tokensPerMinute) : null;
  }

  /** Waits until a new request may go. */
  public void await() throws InterruptedException {
    if (intervalNanos > 0) {
      long slot;
      synchronized (this) {
        long now = System.nanoTime();
        slot = Math.max(now, next);
        next = slot + intervalNanos;
      }
      long wait = slot - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    if (tokens != null) {
      tokens.await();
    }
  }

  /** Counts the tokens a generated row used against the budget. */
  public void used(Sample row) {
    if (tokens != null) {
      long[] u = usage(row);
      tokens.debit(u[0] + u[1]);
    }
  }

  /**
   * The prompt and completion tokens the server reported for a generated row ({@code
   * metadata.generation.usage}), zeros when it reported none.
   */
  public static long[] usage(Sample row) {
    long[] n = new long[2];
    if (Json.parseOrNull(row.metadata()) instanceof Map<?, ?> m
        && m.get("generation") instanceof Map<?, ?> g
        && g.get("usage") instanceof Map<?, ?> u) {
      if (u.get("prompt_tokens") instanceof Number p) {
        n[0] = p.longValue();
      }
      if (u.get("completion_tokens") instanceof Number c) {
        n[1] = c.longValue();
      }
    }
    return n;
  }
}
