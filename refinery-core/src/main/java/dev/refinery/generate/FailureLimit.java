package dev.refinery.generate;

import dev.refinery.RefineryException;
import dev.refinery.internal.Errors;
import java.util.Locale;

/**
 * Stops a generation run that is failing at its job: once {@value #MIN_REQUESTS} generations are
 * done, more than {@code maxRate} of them failed; or, at the end, every one failed. Counted on
 * the one thread that writes the results, in their order, so the same answers stop a run at the
 * same place.
 */
public final class FailureLimit {
  public static final double DEFAULT_MAX_RATE = 0.5;
  /** Below this many, a few failures say too little about the rest. */
  public static final int MIN_REQUESTS = 50;

  private final double maxRate;
  private final String option;
  private final String advice;
  private long done;
  private long failed;
  private String lastReason;

  /**
   * @param maxRate the largest failed share tolerated, 0 to 1
   * @param option how the user sets it, for the message ({@code --max-failure-rate})
   * @param advice what the user can do after the stop, appended to the message
   */
  public FailureLimit(double maxRate, String option, String advice) {
    if (!(maxRate >= 0 && maxRate <= 1)) {
      throw new IllegalArgumentException(option + " must be between 0 and 1, got " + maxRate);
    }
    this.maxRate = maxRate;
    this.option = option;
    this.advice = advice;
  }

  /** Counts one finished generation; throws when the failed share is now too high. */
  public void count(boolean failure, String reason) {
    done++;
    if (failure) {
      failed++;
      lastReason = reason;
      if (done >= MIN_REQUESTS && failed > maxRate * done) {
        throw new RefineryException(String.format(Locale.ROOT,
            "stopped: %d of %d generations failed (%.0f%%), more than %s %s allows; the last: "
                + "%s%s", failed, done, 100.0 * failed / done, option, Errors.number(maxRate), lastReason,
            advice));
      }
    }
  }

  /** At the end: throws when there were generations and every one failed. */
  public void finish() {
    if (done > 0 && failed == done) {
      throw new RefineryException("all " + done + (done == 1 ? " generation" : " generations")
          + " failed; the last: " + lastReason + advice);
    }
  }
}
