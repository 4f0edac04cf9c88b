package dev.refinery.dedup;

import dev.refinery.sample.Sample;
import java.io.Serializable;

/**
 * {@code exact_dedup}'s key: the 128-bit hash of a sample's normalized key text. Samples with
 * equal hashes are duplicates; the runner groups them by it (a keyed step: LocalRunner sorts the
 * hashes externally, spilling to disk) and keeps each group's smallest row id, so the first
 * occurrence in input order is kept whatever the partitions. Samples without key text (no user
 * turn, an empty answer) have no key and are never dropped. Immutable and serializable.
 */
public final class ExactDedup implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The drop reason in stats and rejects. */
  public static final String REASON = "exact_duplicate";
  private static final long HASH_SEED = 0x5eed_d00dL;

  private final DedupKey key;

  public ExactDedup(DedupKey key) {
    if (key == null) {
      throw new IllegalArgumentException("exact_dedup needs a key");
    }
    this.key = key;
  }

  public DedupKey key() {
    return key;
  }

  /**
   * Writes the hash of the sample's normalized key into {@code out[0]} (high) and {@code out[1]}
   * (low); false, leaving {@code out} alone, when the sample has no key text.
   */
  public boolean hash(Sample sample, long[] out) {
    String text = key.text(sample);
    if (text == null) {
      return false;
    }
    KeyHash.hash(text, HASH_SEED, out);
    return true;
  }
}
