package dev.refinery.dedup.minhash;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Computes MinHash signatures of texts over word shingles. Immutable and thread safe: the hash
 * family is fixed by the config's seed, so every executor computes the same signature.
 *
 * <p>Words are maximal runs of letters and digits (punctuation separates words and is otherwise
 * ignored). A word is hashed from its chars (FNV-1a, then a 64-bit finalizer), a shingle by
 * combining the hashes of its words, so no String is allocated per word or shingle. The shingle
 * hash is folded to 32 bits {@code x} and each of the {@code k} permutations is
 * {@code (a_i * x + b_i) mod 2^64 >>> 32} with seeded random 64-bit {@code a_i, b_i}: a strongly
 * universal family (multiply-add-shift) with 32-bit values, like datatrove's 32-bit hashes, at one
 * multiply per permutation. The signature keeps each permutation's minimum. Scripts that do not separate words by spaces (Chinese, Japanese) become very long
 * "words": this dedups them only when near-verbatim.
 */
public final class MinHasher implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final int shingleWords;
  private final long[] a;
  private final long[] b;

  public MinHasher(MinHashConfig config) {
    this.shingleWords = config.shingleWords();
    int k = config.numHashes();
    this.a = new long[k];
    this.b = new long[k];
    SplittableRandom random = new SplittableRandom(config.seed());
    for (int i = 0; i < k; i++) {
      a[i] = random.nextLong();
      b[i] = random.nextLong();
    }
  }

  public int numHashes() {
    return a.length;
  }

  /** A new signature of {@code text}, or null when it has no word. */
  public long[] signature(CharSequence text) {
    long[] sig = new long[a.length];
    return signature(text, sig) == 0 ? null : sig;
  }

  /**
   * Writes the signature of {@code text} into {@code sig} (length {@link #numHashes()}) and returns
   * the number of shingles; 0 means the text has no word and {@code sig} is meaningless.
   */
  public int signature(CharSequence text, long[] sig) {
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    long[] window = new long[shingleWords];
    int words = 0;
    int shingles = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && !Character.isLetterOrDigit(text.charAt(i))) {
        i++;
      }
      if (i == n) {
        break;
      }
      long h = 0xcbf29ce484222325L;
      while (i < n && Character.isLetterOrDigit(text.charAt(i))) {
        h = (h ^ text.charAt(i)) * 0x100000001b3L;
        i++;
      }
      window[words % shingleWords] = fmix(h);
      words++;
      if (words >= shingleWords) {
        update(sig, shingleHash(window, words));
        shingles++;
      }
    }
    if (words > 0 && words < shingleWords) {
      update(sig, shingleHash(window, words));
      shingles++;
    }
    return shingles;
  }

  /** Combines the last {@code min(words, shingleWords)} word hashes, oldest first. */
  private long shingleHash(long[] window, int words) {
    int count = Math.min(words, shingleWords);
    long h = count;
    for (int j = words - count; j < words; j++) {
      h = (h + window[j % shingleWords]) * GOLDEN;
      h ^= h >>> 29;
    }
    return fmix(h);
  }

  private void update(long[] sig, long shingle) {
    // Strongly universal multiply-add-shift (Dietzfelbinger): 32-bit key, 64-bit a and b, the top
    // 32 bits of a*x+b mod 2^64. One multiply per permutation, 3x faster than mod 2^61-1.
    long x = (shingle ^ (shingle >>> 32)) & 0xffffffffL;
    long[] aa = a;
    long[] bb = b;
    for (int i = 0; i < aa.length; i++) {
      long r = (aa[i] * x + bb[i]) >>> 32;
      if (r < sig[i]) {
        sig[i] = r;
      }
    }
  }

  /** Estimated Jaccard similarity: the fraction of positions where two signatures agree. */
  public static double similarity(long[] x, long[] y) {
    int same = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == y[i]) {
        same++;
      }
    }
    return (double) same / x.length;
  }

  /** The hash of rows {@code [band * rows, (band + 1) * rows)}: equal bands give equal hashes. */
  static long bandHash(long[] sig, int band, int rows) {
    long h = fmix(band + 1L);
    for (int r = band * rows; r < (band + 1) * rows; r++) {
      h = (h ^ sig[r]) * GOLDEN;
      h = Long.rotateLeft(h, 31);
    }
    return fmix(h);
  }

  static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
