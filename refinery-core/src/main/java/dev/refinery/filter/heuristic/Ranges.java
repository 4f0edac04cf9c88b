package dev.refinery.filter.heuristic;

import java.util.Arrays;

/**
 * Pieces of a text as {@code [start[i], end[i])} ranges over its chars, so splitting builds no
 * substrings. Each call makes its own, so filters using it stay immutable and thread-safe.
 */
final class Ranges {
  int[] start;
  int[] end;
  int size;

  Ranges(int capacity) {
    start = new int[Math.max(4, capacity)];
    end = new int[Math.max(4, capacity)];
  }

  void add(int s, int e) {
    if (size == start.length) {
      start = Arrays.copyOf(start, size * 2);
      end = Arrays.copyOf(end, size * 2);
    }
    start[size] = s;
    end[size] = e;
    size++;
  }

  /**
   * Python's {@code re.split("\n{minRun,}", ...)} of {@code t[from, to)}: splits on runs of at
   * least {@code minRun} newlines, keeping empty pieces at the ends.
   */
  static Ranges splitOnNewlineRuns(char[] t, int from, int to, int minRun) {
    Ranges out = new Ranges(16);
    int pieceStart = from;
    int i = from;
    while (i < to) {
      if (t[i] != '\n') {
        i++;
        continue;
      }
      int runEnd = i;
      while (runEnd < to && t[runEnd] == '\n') {
        runEnd++;
      }
      if (runEnd - i >= minRun) {
        out.add(pieceStart, i);
        pieceStart = runEnd;
      }
      i = runEnd;
    }
    out.add(pieceStart, to);
    return out;
  }

  /** {@link PyText#splitlines} as ranges. */
  static Ranges splitlines(String s) {
    Ranges out = new Ranges(16);
    int start = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c <= '\r' ? c >= '\n' : (c <= '\u001e' ? c >= '\u001c' : isRareLineBreak(c))) {
        out.add(start, i);
        if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < n) {
      out.add(start, n);
    }
    return out;
  }

  private static boolean isRareLineBreak(char c) {
    return c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /** {@code s.split('\n')} without the blank pieces (nothing but Python whitespace). */
  static Ranges nonBlankLines(char[] t) {
    Ranges out = new Ranges(16);
    int start = 0;
    int n = t.length;
    for (int i = 0; i <= n; i++) {
      if (i == n || t[i] == '\n') {
        int k = start;
        while (k < i && PyText.isSpace(t[k])) {
          k++;
        }
        if (k < i) {
          out.add(start, i);
        }
        start = i + 1;
      }
    }
    return out;
  }

  /**
   * datatrove's {@code find_duplicates} over these pieces: repeats after the first, and their
   * total length in code points. Found by a hash of each range, confirmed by comparing chars.
   */
  long[] duplicates(char[] t) {
    if (size < 2) {
      return new long[] {0, 0};
    }
    GopherRepetitionFilter.HashTable table = new GopherRepetitionFilter.HashTable(size);
    long count = 0;
    long chars = 0;
    for (int i = 0; i < size; i++) {
      int s = start[i];
      int e = end[i];
      long h = e - s;
      for (int c = s; c < e; c++) {
        h = h * 0x100000001B3L + t[c];
      }
      int slot = table.find(h);
      while (true) {
        int other = table.value(slot);
        if (other < 0) {
          table.put(slot, h, i);
          break;
        }
        if (table.matches(slot, h)
            && Arrays.equals(t, start[other], end[other], t, s, e)) {
          count++;
          chars += PyText.len(t, s, e);
          break;
        }
        slot = table.next(slot);
      }
    }
    return new long[] {count, chars};
  }
}
