package dev.refinery.tokenize;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tokenized sample: its token ids and, for each token, whether the loss is computed on it.
 *
 * <p>The arrays are taken as they are, not copied, and are never changed by this package: the
 * caller hands them over and must not change them afterwards either. {@code equals} and {@code
 * hashCode} compare the arrays' contents.
 *
 * @param uuid the source sample's uuid, carried into packed sequences and exports
 * @param inputIds token ids
 * @param lossMask one entry per token: 1 if the model is trained on it, 0 if not
 * @param category the sample's category, or null
 * @param split the sample's split, or null
 */
public record TokenizedSample(
    String uuid, int[] inputIds, byte[] lossMask, String category, String split) {

  public TokenizedSample {
    Objects.requireNonNull(inputIds, "inputIds");
    Objects.requireNonNull(lossMask, "lossMask");
    if (inputIds.length != lossMask.length) {
      throw new IllegalArgumentException("Sample " + uuid + " has " + inputIds.length
          + " token ids but a loss mask of " + lossMask.length + " entries.");
    }
    for (int i = 0; i < lossMask.length; i++) {
      if (lossMask[i] != 0 && lossMask[i] != 1) {
        throw new IllegalArgumentException("Sample " + uuid + " has loss mask value "
            + lossMask[i] + " at token " + i + "; only 0 and 1 are allowed.");
      }
    }
  }

  /** A sample without category or split. */
  public TokenizedSample(String uuid, int[] inputIds, byte[] lossMask) {
    this(uuid, inputIds, lossMask, null, null);
  }

  /** A sample trained on every token. */
  public static TokenizedSample allTrained(String uuid, int[] inputIds) {
    byte[] mask = new byte[inputIds.length];
    Arrays.fill(mask, (byte) 1);
    return new TokenizedSample(uuid, inputIds, mask);
  }

  /** The number of tokens. */
  public int length() {
    return inputIds.length;
  }

  /** The number of tokens the loss is computed on. */
  public int trainedTokens() {
    int n = 0;
    for (byte b : lossMask) {
      n += b;
    }
    return n;
  }

  /** This sample cut to its first {@code maxLength} tokens (itself if it is not longer). */
  public TokenizedSample truncate(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must not be negative, was " + maxLength);
    }
    if (inputIds.length <= maxLength) {
      return this;
    }
    return new TokenizedSample(uuid, Arrays.copyOf(inputIds, maxLength),
        Arrays.copyOf(lossMask, maxLength), category, split);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenizedSample t
        && Objects.equals(uuid, t.uuid)
        && Arrays.equals(inputIds, t.inputIds)
        && Arrays.equals(lossMask, t.lossMask)
        && Objects.equals(category, t.category)
        && Objects.equals(split, t.split);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uuid, Arrays.hashCode(inputIds), Arrays.hashCode(lossMask), category,
        split);
  }

  @Override
  public String toString() {
    return "TokenizedSample[uuid=" + uuid + ", length=" + inputIds.length + ", trained="
        + trainedTokens() + ", category=" + category + ", split=" + split + "]";
  }
}
