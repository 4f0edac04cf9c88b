package dev.refinery.filter.heuristic;

// Reference copy of the pre-optimisation implementation (main sources at 8f7a08c), kept for
// DatatroveEquivalenceProperties: the optimised filters must score exactly as this does.
/**
 * English word splitting in the manner of NLTK's {@code word_tokenize}, which datatrove's
 * {@code split_into_words} uses for English. An approximation, written as one pass over the chars
 * with no regex and no substrings (tokens are offsets into the text):
 * <ul>
 *   <li>split on whitespace (Python's {@code isspace});</li>
 *   <li>brackets, {@code ; @ # $ % & ? !}, double quotes and typographic quotes are tokens of
 *       their own wherever they occur; {@code ...} and {@code --} too;</li>
 *   <li>a comma or colon is split off unless a digit follows it ({@code 1,000} and {@code 10:30}
 *       stay whole);</li>
 *   <li>a final period is split off unless the word has another period inside ({@code U.S.},
 *       {@code e.g.} stay whole) — NLTK decides this with Punkt's abbreviation list;</li>
 *   <li>a trailing single quote and the clitics {@code n't 's 'm 'd 're 've 'll} are split off.</li>
 * </ul>
 * Known differences from NLTK: double quotes keep their text ({@code "} rather than NLTK's
 * {@code ``} / {@code ''}), and abbreviations like {@code Mr.} lose their period. Counts differ by a
 * few tokens on punctuation-heavy text, never on plain words.
 */
final class RefWordTokenizer {
  private RefWordTokenizer() {}

  /** Token boundaries: token i is {@code text[start[i], end[i])}. */
  static final class Tokens {
    final String text;
    int[] start = new int[64];
    int[] end = new int[64];
    int size;

    Tokens(String text) {
      this.text = text;
    }

    void add(int s, int e) {
      if (size == start.length) {
        start = java.util.Arrays.copyOf(start, size * 2);
        end = java.util.Arrays.copyOf(end, size * 2);
      }
      start[size] = s;
      end[size] = e;
      size++;
    }

    int length(int i) {
      return RefPyText.len(text, start[i], end[i]);
    }

    String get(int i) {
      return text.substring(start[i], end[i]);
    }
  }

  static Tokens tokenize(String text) {
    Tokens out = new Tokens(text);
    char[] t = text.toCharArray();
    int n = t.length;
    int i = 0;
    int[] tail = new int[32];
    while (i < n) {
      while (i < n && RefPyText.isSpace(t[i])) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int s = i;
      while (i < n && !RefPyText.isSpace(t[i])) {
        i++;
      }
      chunk(t, s, i, out, tail);
    }
    return out;
  }

  private static boolean alwaysSplit(char c) {
    switch (c) {
      case '(': case ')': case '[': case ']': case '{': case '}': case '<': case '>':
      case ';': case '@': case '#': case '$': case '%': case '&': case '?': case '!': case '"':
      case '\u201c': case '\u201d': case '\u2018': case '\u00ab': case '\u00bb': case '\u201e':
        return true;
      default:
        return false;
    }
  }

  private static boolean startsWith(char[] t, int at, int end, String what) {
    if (at < 0 || at + what.length() > end) {
      return false;
    }
    for (int k = 0; k < what.length(); k++) {
      if (t[at + k] != what.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasPeriod(char[] t, int from, int to) {
    for (int i = from; i < to; i++) {
      if (t[i] == '.') {
        return true;
      }
    }
    return false;
  }

  /** Splits one whitespace-free chunk {@code [s, e)}. */
  private static void chunk(char[] t, int s, int e, Tokens out, int[] tail) {
    // Trailing pieces are found right to left and emitted after the middle, in text order.
    int tails = 0;
    while (e > s && tails + 2 <= tail.length) {
      char c = t[e - 1];
      int len = 0;
      if (startsWith(t, e - 3, e, "...") && e - 3 >= s) {
        len = 3;
      } else if (alwaysSplit(c) || c == ',' || c == ':' || c == '\'' || c == '\u2019') {
        len = 1;
      } else if (c == '.' && !hasPeriod(t, s, e - 1)) {
        len = 1;
      }
      if (len == 0) {
        break;
      }
      tail[tails++] = e - len;
      tail[tails++] = e;
      e -= len;
    }
    int pieceStart = s;
    int i = s;
    while (i < e) {
      char c = t[i];
      int len = 0;
      if (alwaysSplit(c)) {
        len = 1;
      } else if ((c == ',' || c == ':') && (i + 1 >= e || !Character.isDigit(t[i + 1]))) {
        len = 1;
      } else if (c == '.' && startsWith(t, i, e, "...")) {
        len = 3;
      } else if (c == '-' && startsWith(t, i, e, "--")) {
        len = 2;
      }
      if (len == 0) {
        i++;
        continue;
      }
      word(t, pieceStart, i, out);
      out.add(i, i + len);
      i += len;
      pieceStart = i;
    }
    word(t, pieceStart, e, out);
    for (int k = tails - 2; k >= 0; k -= 2) {
      out.add(tail[k], tail[k + 1]);
    }
  }

  /** Emits a plain word, with an English clitic split off its end. */
  private static void word(char[] t, int s, int e, Tokens out) {
    if (s >= e) {
      return;
    }
    int clitic = cliticLength(t, s, e);
    if (clitic > 0 && clitic < e - s) {
      out.add(s, e - clitic);
      out.add(e - clitic, e);
    } else {
      out.add(s, e);
    }
  }

  private static int cliticLength(char[] t, int s, int e) {
    int n = e - s;
    if (n >= 2 && !isApostrophe(t[e - 2]) && !isApostrophe(t[e - 3 < s ? e - 2 : e - 3])) {
      return 0;
    }
    if (n >= 3) {
      char a = Character.toLowerCase(t[e - 3]);
      char b = t[e - 2];
      char c = Character.toLowerCase(t[e - 1]);
      if (a == 'n' && isApostrophe(b) && c == 't') {
        return 3;
      }
      if (isApostrophe(t[e - 3])) {
        char b2 = Character.toLowerCase(b);
        if (b2 == 'l' && c == 'l' || b2 == 'r' && c == 'e' || b2 == 'v' && c == 'e') {
          return 3;
        }
      }
    }
    if (n >= 2 && isApostrophe(t[e - 2])) {
      char c = Character.toLowerCase(t[e - 1]);
      if (c == 's' || c == 'm' || c == 'd') {
        return 2;
      }
    }
    return 0;
  }

  private static boolean isApostrophe(char c) {
    return c == '\'' || c == '\u2019';
  }
}
