package dev.refinery.filter.heuristic;

/** datatrove's character classes ({@code datatrove.utils.text}). */
final class Punctuation {
  private Punctuation() {}

  /**
   * datatrove's {@code PUNCTUATION}: ASCII and CJK punctuation plus the C0 controls other than tab
   * and newline, and DEL through the C1 controls. A word made only of these is a "symbol" word.
   */
  private static final String PUNCTUATION = "!/\u2014\u201d:\uff05\uff11\u3008&(\u3001\u2501\\"
      + "\u3010#%\u300c\u300d\uff0c\u3011\uff1b+^]~\u201c\u300a\u201e';\u2019{|\u2236\u00b4[=-`*"
      + "\uff0e\uff08\u2013\uff1f\uff01\uff1a$\uff5e\u00ab\u3009,><\u300b)?\uff09\u3002\u2026@_.\""
      + "}\u25ba\u00bb";

  private static final boolean[] ASCII_OR_LATIN1 = new boolean[256];

  static {
    for (char c : PUNCTUATION.toCharArray()) {
      if (c < 256) {
        ASCII_OR_LATIN1[c] = true;
      }
    }
    for (int c = 0; c < 160; c++) {
      if (c < 9 || (c >= 11 && c < 32) || c >= 127) {
        ASCII_OR_LATIN1[c] = true;
      }
    }
  }

  static boolean isPunctuation(char c) {
    return c < 256 ? ASCII_OR_LATIN1[c] : PUNCTUATION.indexOf(c) >= 0;
  }

  /** True when {@code text[s, e)} has a char outside {@link #PUNCTUATION}. */
  static boolean hasNonPunctuation(String text, int s, int e) {
    for (int i = s; i < e; i++) {
      if (!isPunctuation(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code t[s, e)} has a char outside {@link #PUNCTUATION}. */
  static boolean hasNonPunctuation(char[] t, int s, int e) {
    for (int i = s; i < e; i++) {
      if (!isPunctuation(t[i])) {
        return true;
      }
    }
    return false;
  }

  /** Python's {@code any(c.isalpha() for c in word)} over {@code t[s, e)}. */
  static boolean hasLetter(char[] t, int s, int e) {
    for (int i = s; i < e; i++) {
      char c = t[i];
      if (c < 128 ? (c | 0x20) >= 'a' && (c | 0x20) <= 'z'
          : Character.isLetter(Character.codePointAt(t, i))) {
        return true;
      }
    }
    return false;
  }

  /** Python's {@code any(c.isalpha() for c in word)}. */
  static boolean hasLetter(String text, int s, int e) {
    for (int i = s; i < e; i++) {
      char c = text.charAt(i);
      if (c < 128 ? (c | 0x20) >= 'a' && (c | 0x20) <= 'z' : Character.isLetter(text.codePointAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * datatrove's {@code TERMINAL_PUNCTUATION} as used by the FineWeb filter's default stop chars:
   * ASCII {@code . ! ? " '} and the sentence terminators of other scripts. An approximation of
   * datatrove's list (which enumerates Unicode's Sentence_Terminal characters): the common ones
   * are here, rare historic scripts are not.
   */
  static final String TERMINAL = ".!?\"'\u3002\uff01\uff1f\uff0e\u203c\u2047\u2048\u2049\u0589"
      + "\u061f\u06d4\u0964\u0965\u1362\u1367\u1368\u166e\u1803\u1809\u2e2e\ua4ff\ua60e\ua60f"
      + "\ufe52\ufe56\ufe57\uff61\u061e\u0700\u0701\u0702\u07f9\u0837\u0839\u083d\u083e\u104a"
      + "\u104b\u1944\u1945\u17d4\u17d5\u0f0d\u0f0e";
}
