package dev.refinery.tokenize;

import java.util.Objects;

/**
 * The ids of a text with, for each token, the span of the text it was made from: {@code
 * [starts[i], ends[i])} in UTF-16 indices of the Java string. Byte-level tokenizers can split one
 * character over two tokens; both then report the whole character, so spans may overlap by one
 * character but never go backwards.
 *
 * <p>The arrays are taken as they are, not copied; neither side changes them afterwards.
 */
public record TokenOffsets(int[] ids, int[] starts, int[] ends) {

  public TokenOffsets {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(starts, "starts");
    Objects.requireNonNull(ends, "ends");
    if (starts.length != ids.length || ends.length != ids.length) {
      throw new IllegalArgumentException(ids.length + " ids but " + starts.length + " starts and "
          + ends.length + " ends");
    }
  }

  /** The number of tokens. */
  public int length() {
    return ids.length;
  }

  /**
   * Maps code point indices (what the Rust tokenizers report) to UTF-16 indices, in place. Only
   * texts with characters outside the Basic Multilingual Plane need it.
   */
  static void codePointsToUtf16(String text, int[] starts, int[] ends) {
    int n = text.length();
    boolean surrogates = false;
    for (int i = 0; i < n; i++) {
      if (Character.isSurrogate(text.charAt(i))) {
        surrogates = true;
        break;
      }
    }
    if (!surrogates) {
      return;
    }
    int codePoints = text.codePointCount(0, n);
    int[] utf16 = new int[codePoints + 1];
    int cp = 0;
    for (int i = 0; i < n; i += Character.charCount(text.codePointAt(i))) {
      utf16[cp++] = i;
    }
    utf16[codePoints] = n;
    for (int t = 0; t < starts.length; t++) {
      starts[t] = utf16[Math.min(starts[t], codePoints)];
      ends[t] = utf16[Math.min(ends[t], codePoints)];
    }
  }
}
