package dev.refinery.dedup.minhash;

import dev.refinery.dedup.DedupKey;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * {@code fuzzy_dedup}: MinHash LSH near-duplicate removal as pure functions a runner composes
 * (the pipeline runs them as a keyed step that links rows):
 *
 * <ol>
 *   <li>{@link #buckets} (per row): the key text's signature, and for every band one record whose
 *       128-bit key names the (band, band hash) bucket and whose value holds the whole signature
 *       (4 bytes a hash: 449 bytes at the defaults), the first band's also the row's uuid.
 *   <li>{@link #verify} (per bucket, members in increasing row id order): each member is compared
 *       with up to {@value #MAX_ANCHORS} earlier members of its bucket that matched none before
 *       them (anchors), in order, until one matches; a comparison is a candidate pair, a match
 *       (estimated Jaccard similarity of the full signatures at or above the threshold) a
 *       verified pair. Memory: the anchors' signatures.
 *   <li>The runner links the verified pairs of all buckets into components and keeps each
 *       component's smallest row id; {@link #detail} says which row a dropped row duplicates.
 * </ol>
 *
 * <p>Cost: every band's record carries the whole signature, because a bucket is verified where
 * its records meet and nowhere else: at the defaults about 14 x 485 bytes of sorted runs per row
 * (record overhead included), where the former stages wrote the signature once and 16 bytes per
 * band, then read signatures back at random.
 *
 * <p>Rows without key text emit nothing and are never dropped. Immutable and serializable.
 */
public final class FuzzyDedup implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The drop reason in stats and rejects. */
  public static final String REASON = "fuzzy_duplicate";
  /** Earlier bucket members a document is compared with; bounds work on huge buckets. */
  static final int MAX_ANCHORS = 8;

  private final DedupKey key;
  private final MinHashConfig config;
  private final MinHasher hasher;

  public FuzzyDedup(DedupKey key, MinHashConfig config) {
    if (key == null || config == null) {
      throw new IllegalArgumentException("fuzzy_dedup needs a key and a config");
    }
    this.key = key;
    this.config = config;
    this.hasher = new MinHasher(config);
  }

  public DedupKey key() {
    return key;
  }

  public MinHashConfig config() {
    return config;
  }

  /** Where a row's bucket records go (a keyed step's emitter). */
  @FunctionalInterface
  public interface BucketSink {
    void bucket(long keyHigh, long keyLow, byte[] value);
  }

  /** Where a bucket's verified pairs go, as member indexes: the later member, then its anchor. */
  @FunctionalInterface
  public interface PairSink {
    void verified(int member, int anchor);
  }

  /**
   * A row's bucket records, one per band; none when the row has no key text or no word in it.
   * Returns whether it had any. Only the first record's value carries the uuid, which only a
   * detail needs, and a detail is made from a row's first record.
   */
  public boolean buckets(Sample row, BucketSink out) {
    String text = key.text(row);
    long[] sig = new long[config.numHashes()];
    if (text == null || hasher.signature(text, sig) == 0) {
      return false;
    }
    byte[] value = value(sig, row.uuid());
    for (int b = 0; b < config.bands(); b++) {
      if (b == 1) {
        value = value(sig, null);
      }
      long bandHash = MinHasher.bandHash(sig, b, config.rowsPerBand());
      // bandHash already mixes in the band; the high word keeps two bands' equal hashes apart
      // (fmix is a bijection) and spreads buckets evenly over a cluster's partitions.
      out.bucket(MinHasher.fmix(bandHash + MinHasher.fmix(b + 1L)), bandHash, value);
    }
    return true;
  }

  /**
   * A record's value: the signature's 32-bit hashes, whether there is a uuid (an empty one counts
   * as none), then its UTF-8 bytes.
   */
  private static byte[] value(long[] sig, String uuid) {
    boolean has = uuid != null && !uuid.isEmpty();
    byte[] id = has ? uuid.getBytes(StandardCharsets.UTF_8) : new byte[0];
    ByteBuffer b = ByteBuffer.allocate(1 + 4 * sig.length + id.length);
    for (long h : sig) {
      // MinHasher's hashes are the top 32 bits of a 64-bit product: they fit in an int.
      b.putInt((int) h);
    }
    b.put((byte) (has ? 1 : 0));
    b.put(id);
    return b.array();
  }

  private void signature(byte[] value, long[] into) {
    ByteBuffer b = ByteBuffer.wrap(value);
    for (int i = 0; i < into.length; i++) {
      into[i] = b.getInt() & 0xffffffffL;
    }
  }

  private String uuid(byte[] value) {
    int at = 4 * config.numHashes();
    return value[at] == 0 ? null
        : new String(value, at + 1, value.length - at - 1, StandardCharsets.UTF_8);
  }

  /**
   * Verifies one bucket: {@code values.apply(i)} is the value of member {@code i}, members in
   * increasing row id order. Returns the candidate pairs compared.
   */
  public long verify(int size, IntFunction<byte[]> values, PairSink out) {
    if (size < 2) {
      return 0;
    }
    int k = config.numHashes();
    long[][] anchorSigs = new long[Math.min(MAX_ANCHORS, size)][k];
    int[] anchorIndexes = new int[anchorSigs.length];
    signature(values.apply(0), anchorSigs[0]);
    int anchors = 1;
    long[] memberSig = new long[k];
    long candidates = 0;
    for (int m = 1; m < size; m++) {
      signature(values.apply(m), memberSig);
      boolean matched = false;
      for (int a = 0; a < anchors && !matched; a++) {
        candidates++;
        if (MinHasher.similarity(memberSig, anchorSigs[a]) >= config.threshold()) {
          out.verified(m, anchorIndexes[a]);
          matched = true;
        }
      }
      if (!matched && anchors < anchorSigs.length) {
        System.arraycopy(memberSig, 0, anchorSigs[anchors], 0, k);
        anchorIndexes[anchors++] = m;
      }
    }
    return candidates;
  }

  /**
   * What a dropped row's record in rejects/ says, from the two rows' first record values: the
   * kept row's uuid (or id, when it has none) and the two rows' estimated similarity, which may
   * be below the threshold when the component links them through other rows.
   */
  public String detail(byte[] droppedValue, RowId keptId, byte[] keptValue) {
    long[] x = new long[config.numHashes()];
    long[] y = new long[config.numHashes()];
    signature(droppedValue, x);
    signature(keptValue, y);
    double similarity = MinHasher.similarity(x, y);
    String uuid = uuid(keptValue);
    return (uuid == null ? "duplicate of row " + keptId + " (it has no uuid)"
        : "duplicate of " + uuid)
        + String.format(Locale.ROOT, " (estimated similarity %.2f%s)", similarity,
            similarity < config.threshold() ? ", linked through other rows of its cluster" : "");
  }
}
