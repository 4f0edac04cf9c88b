package dev.refinery.filter;

import java.io.Serializable;
import java.util.Objects;

/** Keep, or drop with a named reason (the reason becomes a counter in the run's stats). */
public record Verdict(String dropReason) implements Serializable {
  public static final Verdict KEEP = new Verdict(null);

  public static Verdict drop(String reason) {
    return new Verdict(Objects.requireNonNull(reason, "reason"));
  }

  public boolean kept() {
    return dropReason == null;
  }
}
