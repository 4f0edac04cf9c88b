package dev.refinery.decontam;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * How text becomes words and word n-grams become 64-bit keys, identically for benchmark items and
 * for the samples checked against them.
 *
 * <p>Normalization: Unicode NFKC (full-width digits, ligatures and compatibility forms fold to
 * their plain form), then lower case per code point, then every character that is not a letter, a
 * digit or a combining mark (punctuation, symbols, whitespace, controls) is a word break. So
 * {@code "What is $x+y$?"} and {@code "what is x + y"} are the same four words, and LaTeX such as
 * {@code \frac{9}{s}} becomes {@code frac 9 s}. Scripts written without spaces (Chinese, Japanese)
 * come out as one long word per run, as in NeMo Curator's word splitting.
 *
 * <p>An n-gram's key mixes its words' hashes with a polynomial over prefix sums (so a window of
 * any length costs O(1) once the prefixes exist) and its length; keys are only a fast filter,
 * because {@link Decontaminator} confirms every hit against the item's words.
 */
final class NgramText {
  /** Odd multiplier of the polynomial; arithmetic is modulo 2^64 through long overflow. */
  private static final long BASE = 0x9E3779B97F4A7C15L;

  private NgramText() {}

  /** The text's words after normalization, as strings (for reports and confirming hits). */
  static List<String> words(String text) {
    String s = normalize(text);
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (isWordChar(cp)) {
        word.appendCodePoint(Character.toLowerCase(cp));
      } else if (word.length() > 0) {
        out.add(word.toString());
        word.setLength(0);
      }
    }
    if (word.length() > 0) {
      out.add(word.toString());
    }
    return out;
  }

  /**
   * Hashes of the text's words into {@code into} (grown as needed); returns the array used, with
   * the word count in {@code count[0]}. Allocates nothing for ASCII text that fits.
   */
  static long[] wordHashes(String text, long[] into, int[] count) {
    String s = normalize(text);
    long[] hashes = into;
    int n = 0;
    long h = 0;
    boolean inWord = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (isWordChar(cp)) {
        if (!inWord) {
          h = 0xCBF29CE484222325L;
          inWord = true;
        }
        h = (h ^ Character.toLowerCase(cp)) * 0x100000001B3L;
      } else if (inWord) {
        if (n == hashes.length) {
          hashes = java.util.Arrays.copyOf(hashes, Math.max(16, n * 2));
        }
        hashes[n++] = mix(h);
        inWord = false;
      }
    }
    if (inWord) {
      if (n == hashes.length) {
        hashes = java.util.Arrays.copyOf(hashes, Math.max(16, n * 2));
      }
      hashes[n++] = mix(h);
    }
    count[0] = n;
    return hashes;
  }

  /**
   * Prefix sums of the polynomial: {@code prefix[i]} covers words {@code [0, i)}. Returns the array
   * used (grown as needed), of at least {@code count + 1} entries.
   */
  static long[] prefixes(long[] wordHashes, int count, long[] into) {
    long[] prefix = into.length > count ? into : new long[Math.max(16, (count + 1) * 2)];
    prefix[0] = 0;
    for (int i = 0; i < count; i++) {
      prefix[i + 1] = prefix[i] * BASE + wordHashes[i];
    }
    return prefix;
  }

  /** The key of words {@code [start, start + length)}; {@code powers[length]} is BASE^length. */
  static long key(long[] prefix, long[] powers, int start, int length) {
    long poly = prefix[start + length] - prefix[start] * powers[length];
    return mix(poly + length * 0xD6E8FEB86659FD93L);
  }

  /** BASE^0 .. BASE^max. */
  static long[] powers(int max) {
    long[] p = new long[max + 1];
    p[0] = 1;
    for (int i = 1; i <= max; i++) {
      p[i] = p[i - 1] * BASE;
    }
    return p;
  }

  static String normalize(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC);
      }
    }
    // ASCII is already NFKC; skipping the normalizer is most of the speed on English text.
    return text;
  }

  static boolean isWordChar(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }
    if (Character.isLetterOrDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /** SplitMix64's finalizer: spreads FNV's weak low bits before keys meet a power-of-two table. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
