package dev.refinery.filter;

import java.io.Serializable;
import java.util.Objects;

/**
 * Keep, or drop with a named reason (the reason becomes a counter in the run's stats). A kept
 * sample may carry a note, counted beside the drops (a sample kept because it had nothing to be
 * checked against).
 */
public record Verdict(String dropReason, String note) implements Serializable {
  public static final Verdict KEEP = new Verdict(null, null);

  public Verdict(String dropReason) {
    this(dropReason, null);
  }

  /** Kept, and counted under {@code note}. */
  public static Verdict keepCounted(String note) {
    return new Verdict(null, Objects.requireNonNull(note, "note"));
  }

  public static Verdict drop(String reason) {
    return new Verdict(Objects.requireNonNull(reason, "reason"));
  }

  public boolean kept() {
    return dropReason == null;
  }
}
