package dev.refinery.filter.heuristic;

/**
 * Python string semantics that NeMo Curator's heuristics rely on, over regions of a Java string so
 * hot paths allocate nothing: {@code len()} counts code points, {@code strip()} and {@code split()}
 * use {@code str.isspace()}, lines are {@code split("\n")} minus blank ones, paragraphs are {@code
 * split("\n\n")}.
 */
final class CuratorText {
  private CuratorText() {}

  /** Python's {@code str.isspace()} for one UTF-16 unit (every such character is in the BMP). */
  static boolean isPythonSpace(char c) {
    if (c <= ' ') {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    }
    if (c < 0x85) {
      return false;
    }
    return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a)
        || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
  }

  /** Python's {@code len()} of {@code text[from:to]}: code points, not UTF-16 units. */
  static int length(String text, int from, int to) {
    return Character.codePointCount(text, from, to);
  }

  static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  /** Start of {@code text[from:to].strip()}. */
  static int stripStart(String text, int from, int to) {
    while (from < to && isPythonSpace(text.charAt(from))) {
      from++;
    }
    return from;
  }

  /** End of {@code text[from:to].strip()}; after {@link #stripStart}, equal to it if blank. */
  static int stripEnd(String text, int from, int to) {
    while (to > from && isPythonSpace(text.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  static boolean isBlank(String text) {
    return stripStart(text, 0, text.length()) == text.length();
  }

  /**
   * Curator's {@code get_sentences}: {@code text.split("\n")} keeping only lines that are not
   * blank, as {start, end} pairs (unstripped).
   */
  static Regions lines(String text) {
    Regions out = new Regions(8);
    int start = 0;
    int n = text.length();
    while (true) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? n : nl;
      if (stripStart(text, start, end) < end) {
        out.add(start, end);
      }
      if (nl < 0) {
        return out;
      }
      start = nl + 1;
    }
  }

  /** Curator's {@code get_paragraphs}: {@code text.split("\n\n")}, empty pieces included. */
  static Regions paragraphs(String text) {
    Regions out = new Regions(4);
    int start = 0;
    while (true) {
      int sep = text.indexOf("\n\n", start);
      if (sep < 0) {
        out.add(start, text.length());
        return out;
      }
      out.add(start, sep);
      start = sep + 2;
    }
  }

  /** Growable list of {start, end} pairs into one string. */
  static final class Regions {
    private int[] bounds;
    private int size;

    Regions(int capacity) {
      bounds = new int[Math.max(2, capacity * 2)];
    }

    void add(int start, int end) {
      if (size * 2 == bounds.length) {
        bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
      }
      bounds[size * 2] = start;
      bounds[size * 2 + 1] = end;
      size++;
    }

    int size() {
      return size;
    }

    int start(int i) {
      return bounds[i * 2];
    }

    int end(int i) {
      return bounds[i * 2 + 1];
    }
  }
}
