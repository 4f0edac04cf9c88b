package dev.refinery.dedup.minhash;

import java.io.Serializable;

/**
 * Parameters of {@code fuzzy_dedup}.
 *
 * <p>Defaults: shingles of {@value #DEFAULT_SHINGLE_WORDS} words, {@value #DEFAULT_BANDS} bands of
 * {@value #DEFAULT_ROWS_PER_BAND} rows (112 hashes, datatrove's banding), Jaccard threshold
 * {@value #DEFAULT_THRESHOLD}. The shingle size departs from datatrove's 5 on purpose: the usual
 * key is a prompt of a few dozen words, and with 5-word shingles each edited word breaks 5 of them,
 * so one edit in 40 words already puts the Jaccard similarity near 0.78, under the threshold.
 * With 3-word shingles a copy with about 2-3% of its words edited stays above 0.8. Banding
 * 14 x 8 makes a pair a candidate with probability {@code 1 - (1 - J^8)^14}: 0.92 at J = 0.8,
 * 0.999 at J = 0.9, 0.05 at J = 0.5; candidates are then verified on all 112 hashes.
 *
 * @param shingleWords words per shingle; a text with fewer words is one shingle
 * @param bands LSH bands
 * @param rowsPerBand hashes per band; {@code bands * rowsPerBand} hashes in all
 * @param threshold minimum estimated Jaccard similarity of a verified pair, in (0, 1]
 * @param seed seeds the hash family; the same seed gives the same signatures everywhere
 */
public record MinHashConfig(int shingleWords, int bands, int rowsPerBand, double threshold,
                            long seed) implements Serializable {
  public static final int DEFAULT_SHINGLE_WORDS = 3;
  public static final int DEFAULT_BANDS = 14;
  public static final int DEFAULT_ROWS_PER_BAND = 8;
  public static final double DEFAULT_THRESHOLD = 0.8;
  public static final long DEFAULT_SEED = 42;

  public static final MinHashConfig DEFAULT = new MinHashConfig(DEFAULT_SHINGLE_WORDS,
      DEFAULT_BANDS, DEFAULT_ROWS_PER_BAND, DEFAULT_THRESHOLD, DEFAULT_SEED);

  public MinHashConfig {
    if (shingleWords < 1) {
      throw new IllegalArgumentException("shingle size must be >= 1 word, got " + shingleWords);
    }
    if (bands < 1 || rowsPerBand < 1) {
      throw new IllegalArgumentException("bands and rows per band must be >= 1, got " + bands
          + " x " + rowsPerBand);
    }
    if ((long) bands * rowsPerBand > 4096) {
      throw new IllegalArgumentException("bands x rows per band must be <= 4096, got "
          + bands * rowsPerBand);
    }
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
    }
  }

  public int numHashes() {
    return bands * rowsPerBand;
  }

  public MinHashConfig withShingleWords(int n) {
    return new MinHashConfig(n, bands, rowsPerBand, threshold, seed);
  }

  public MinHashConfig withBands(int newBands, int newRowsPerBand) {
    return new MinHashConfig(shingleWords, newBands, newRowsPerBand, threshold, seed);
  }

  public MinHashConfig withThreshold(double t) {
    return new MinHashConfig(shingleWords, bands, rowsPerBand, t, seed);
  }

  public MinHashConfig withSeed(long s) {
    return new MinHashConfig(shingleWords, bands, rowsPerBand, threshold, s);
  }
}
