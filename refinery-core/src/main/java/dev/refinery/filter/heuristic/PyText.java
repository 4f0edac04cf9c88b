package dev.refinery.filter.heuristic;

import java.util.ArrayList;
import java.util.List;

/**
 * The few Python {@code str} behaviours datatrove's filters rely on, so thresholds mean the same
 * thing here: {@code isspace}, {@code strip}, {@code splitlines}, {@code count} and {@code len}
 * (which counts code points, not UTF-16 units).
 */
final class PyText {
  private PyText() {}

  /** Python's {@code str.isspace} for one char (Java's isWhitespace misses the no-break spaces). */
  static boolean isSpace(char c) {
    if (c <= ' ') {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f');
    }
    if (c < '\u0085') {
      return false;
    }
    return c == '\u0085' || c == '\u00a0' || (c >= '\u2000' && Character.isWhitespace(c))
        || c == '\u1680' || c == '\u2007' || c == '\u202f' || c == '\u3000';
  }

  static int stripStart(CharSequence s, int from, int to) {
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    return from;
  }

  static int stripEnd(CharSequence s, int from, int to) {
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  static String strip(String s) {
    int start = stripStart(s, 0, s.length());
    return s.substring(start, stripEnd(s, start, s.length()));
  }

  /** Python's {@code len}: code points. */
  static int len(CharSequence s, int from, int to) {
    int n = to - from;
    for (int i = from; i < to; i++) {
      if (Character.isHighSurrogate(s.charAt(i)) && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n--;
        i++;
      }
    }
    return n;
  }

  static int len(char[] s, int from, int to) {
    int n = to - from;
    for (int i = from; i < to - 1; i++) {
      if (s[i] >= Character.MIN_HIGH_SURROGATE && s[i] <= Character.MAX_HIGH_SURROGATE
          && Character.isLowSurrogate(s[i + 1])) {
        n--;
        i++;
      }
    }
    return n;
  }

  static int len(CharSequence s) {
    return len(s, 0, s.length());
  }

  /** Non-overlapping occurrences, as Python's {@code str.count}. */
  static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
      n++;
    }
    return n;
  }

  static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' || c == '\u001c'
        || c == '\u001d' || c == '\u001e' || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /**
   * Python's {@code str.splitlines()}: every Unicode line break (\r\n counts once), and no empty
   * last line after a final break.
   */
  static List<String> splitlines(String s) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (isLineBreak(c)) {
        lines.add(s.substring(start, i));
        if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < n) {
      lines.add(s.substring(start));
    }
    return lines;
  }

  /** Python's {@code str.split()} word count and longest word (in code points). */
  static int[] whitespaceWordsAndLongest(CharSequence s) {
    int words = 0;
    int longest = 0;
    int n = s.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(s.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && !isSpace(s.charAt(i))) {
        i++;
      }
      words++;
      longest = Math.max(longest, len(s, start, i));
    }
    return new int[] {words, longest};
  }
}
