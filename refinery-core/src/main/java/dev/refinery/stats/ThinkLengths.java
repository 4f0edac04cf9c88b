package dev.refinery.stats;

import dev.refinery.internal.Utf8;
import dev.refinery.sample.ThinkBlock;

/**
 * The code point lengths of {@link ThinkBlock#parse}'s answer and trace, measured on a turn's
 * UTF-8 bytes in one pass (that also checks them) plus the whitespace at the parts' ends, rule
 * for rule the same as {@code ThinkBlock}: no String is decoded or cut. Mutable; one per
 * collector.
 */
final class ThinkLengths {
  private static final int OPEN = ThinkBlock.OPEN.length();
  private static final int CLOSE = ThinkBlock.CLOSE.length();

  private final Utf8.Found found = new Utf8.Found();
  /** The answer's length, after {@link #measure}. */
  int answer;
  /** The trace's length, or -1 when the turn has no think tags at all. */
  int trace;

  /** Measures bytes {@code [from, to)}; false when they are not valid UTF-8. */
  boolean measure(byte[] b, int from, int to) {
    if (!Utf8.scan(b, from, to, found)) {
      return false;
    }
    int open = found.open;
    int close = found.close;
    // Code points before each place the parts are cut at.
    int total = found.codePoints;
    int openCps = found.openCodePoints;
    int closeCps = found.closeCodePoints;
    if (open < 0 && close < 0) {
      trace = -1;
      answer = stripped(b, from, to, 0, total);
    } else if (open < 0 || (close >= 0 && close < open)) {
      trace = stripped(b, from, close, 0, closeCps);
      answer = stripped(b, close + CLOSE, to, closeCps + CLOSE, total);
    } else if (close < 0) {
      trace = stripped(b, open + OPEN, to, openCps + OPEN, total);
      answer = stripped(b, from, open, 0, openCps);
    } else {
      trace = stripped(b, open + OPEN, close, openCps + OPEN, closeCps);
      int before = stripped(b, from, open, 0, openCps);
      int after = stripped(b, close + CLOSE, to, closeCps + CLOSE, total);
      // ThinkBlock strips the two parts joined: only their outer ends lose whitespace.
      answer = before == 0 || after == 0 ? before + after
          : openCps - leading(b, from, open) + (total - closeCps - CLOSE)
              - trailing(b, close + CLOSE, to);
    }
    return true;
  }

  /** The code points of {@code [from, to)} stripped, given the code points before each end. */
  private static int stripped(byte[] b, int from, int to, int cpsFrom, int cpsTo) {
    int start = Utf8.stripStart(b, from, to);
    if (start == to) {
      return 0;
    }
    return cpsTo - cpsFrom - Utf8.codePoints(b, from, start)
        - Utf8.codePoints(b, Utf8.stripEnd(b, start, to), to);
  }

  private static int leading(byte[] b, int from, int to) {
    return Utf8.codePoints(b, from, Utf8.stripStart(b, from, to));
  }

  private static int trailing(byte[] b, int from, int to) {
    return Utf8.codePoints(b, Utf8.stripEnd(b, from, to), to);
  }
}
