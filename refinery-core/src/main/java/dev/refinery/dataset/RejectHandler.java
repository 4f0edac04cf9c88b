package dev.refinery.dataset;

import dev.refinery.RefineryException;

/** What to do with a record that cannot be decoded: stop the run, or keep it aside and go on. */
@FunctionalInterface
public interface RejectHandler {
  /** Stops at the first bad record with a one-line error naming its file and line. */
  RejectHandler FAIL = r -> {
    throw new RefineryException(r.describe()
        + " (use --rejects FILE to set bad records aside and go on)");
  };

  /**
   * Skips bad records silently: only for a second pass over input whose bad records the first
   * pass already reported.
   */
  RejectHandler IGNORE = r -> {};

  void reject(Rejected rejected);
}
