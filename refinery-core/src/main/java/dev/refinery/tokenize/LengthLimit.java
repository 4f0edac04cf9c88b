package dev.refinery.tokenize;

import java.util.Objects;

/**
 * A maximum length and what to do with samples beyond it.
 *
 * @param policy drop, truncate or keep over-long samples
 * @param maxLength the maximum number of tokens, at least 1
 */
public record LengthLimit(LengthPolicy policy, int maxLength) {

  public LengthLimit {
    Objects.requireNonNull(policy, "policy");
    if (maxLength < 1) {
      throw new IllegalArgumentException("max_length must be at least 1, was " + maxLength);
    }
  }

  /**
   * Applies the limit to one sample, counting what happened.
   *
   * @return the sample (unchanged, truncated or kept over-long), or null if it was dropped
   */
  public TokenizedSample apply(TokenizedSample sample, LengthStats.Counter counter) {
    int length = sample.length();
    if (length <= maxLength) {
      counter.fitting();
      return sample;
    }
    switch (policy) {
      case DROP -> {
        counter.dropped();
        return null;
      }
      case TRUNCATE -> {
        counter.truncated(length - maxLength);
        return sample.truncate(maxLength);
      }
      default -> {
        counter.kept();
        return sample;
      }
    }
  }
}
