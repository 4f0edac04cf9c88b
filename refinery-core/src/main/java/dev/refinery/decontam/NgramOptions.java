package dev.refinery.decontam;

import java.io.Serializable;

/**
 * How benchmark items are cut into n-grams.
 *
 * @param n the n-gram length in normalized words; 13 by default, as NeMo Curator's task
 *     decontamination and the GPT-3 paper
 * @param minWords items with fewer words are not indexed at all (too short to tell a copy from a
 *     coincidence); items with at least {@code minWords} but fewer than {@code n} words are indexed
 *     whole, as one n-gram of their own length. 8 by default, as NeMo Curator's {@code
 *     min_ngram_size}
 */
public record NgramOptions(int n, int minWords) implements Serializable {
  public static final NgramOptions DEFAULTS = new NgramOptions(13, 8);

  public NgramOptions {
    if (n < 1) {
      throw new IllegalArgumentException("n-gram length must be at least 1, got " + n);
    }
    if (minWords < 1 || minWords > n) {
      throw new IllegalArgumentException("min words must be between 1 and n (" + n + "), got "
          + minWords);
    }
  }

  /** n words, with the default minimum capped at n. */
  public static NgramOptions ofN(int n) {
    return new NgramOptions(n, Math.min(DEFAULTS.minWords(), n));
  }
}
