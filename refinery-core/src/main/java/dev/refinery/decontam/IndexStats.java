package dev.refinery.decontam;

import java.io.Serializable;

/**
 * The size of a {@link Decontaminator}'s index.
 *
 * @param items benchmark items given
 * @param indexedWhole items shorter than n words, indexed as one n-gram of their own length
 * @param skippedShort items with fewer than the minimum words, not indexed
 * @param ngrams distinct n-gram keys in the table
 * @param tableBytes bytes of the primitive hash table (keys and item indexes)
 * @param textChars characters of item text kept for confirming hits and reporting matches
 */
public record IndexStats(int items, int indexedWhole, int skippedShort, int ngrams,
                         long tableBytes, long textChars) implements Serializable {
  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%,d items (%,d indexed whole, %,d too short), %,d distinct n-grams, table %.1f MiB,"
            + " item text %.1f MiB", items, indexedWhole, skippedShort, ngrams,
        tableBytes / 1048576.0, textChars * 2 / 1048576.0);
  }
}
