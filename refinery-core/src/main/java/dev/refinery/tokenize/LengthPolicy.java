package dev.refinery.tokenize;

import java.util.Locale;

/** What to do with a sample longer than the maximum length. */
public enum LengthPolicy {
  /** Leave it out (counted as dropped). */
  DROP,
  /** Keep its first {@code max_length} tokens (counted as truncated). */
  TRUNCATE,
  /** Keep it whole (counted as kept over-long); it then cannot be packed. */
  KEEP;

  /** Parses {@code drop}, {@code truncate} or {@code keep}, in any case. */
  public static LengthPolicy parse(String name) {
    for (LengthPolicy p : values()) {
      if (p.name().equalsIgnoreCase(name.strip())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "Unknown length policy '" + name + "': expected drop, truncate or keep.");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
