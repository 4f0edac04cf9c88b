package dev.refinery.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * UTF-8 bytes measured where they lie, without decoding them into Strings: for readers that only
 * need to know whether text is valid and how long it is (the columns {@code refinery stats}
 * reads). Eight bytes at a time while they are ASCII.
 */
public final class Utf8 {
  private Utf8() {}

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  /**
   * Whether bytes {@code [from, to)} are well-formed UTF-8 in the sense of Java's strict decoder
   * (and Unicode's table 3-7): no overlong forms, no encoded surrogates, nothing above U+10FFFF,
   * no truncated sequence.
   */
  public static boolean isValid(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      while (i + 8 <= to && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i >= to) {
        return true;
      }
      if (b[i] >= 0) {
        i++;
      } else {
        int n = sequence(b, i, to);
        if (n < 0) {
          return false;
        }
        i += n;
      }
    }
    return true;
  }

  /** Whether bytes {@code [from, to)} are all ASCII (below 0x80), so valid UTF-8 however cut. */
  public static boolean isAscii(byte[] b, int from, int to) {
    int i = from;
    long high = 0;
    for (; i + 8 <= to; i += 8) {
      high |= (long) LONGS.get(b, i);
    }
    for (; i < to; i++) {
      high |= b[i];
    }
    return (high & HIGH_BITS) == 0;
  }

  /**
   * What {@link #scan} found: the code points of the whole text, and the byte index and code
   * points before the first {@code <think>} and the first {@code </think>} (-1 when absent).
   */
  public static final class Found {
    public int codePoints;
    public int open;
    public int openCodePoints;
    public int close;
    public int closeCodePoints;
  }

  private static final byte[] OPEN = {'<', 't', 'h', 'i', 'n', 'k', '>'};
  private static final byte[] CLOSE = {'<', '/', 't', 'h', 'i', 'n', 'k', '>'};
  private static final long ONES = 0x0101010101010101L;
  private static final long LESS_THAN = 0x3C3C3C3C3C3C3C3CL;

  /**
   * One pass over bytes {@code [from, to)}: false when they are not valid UTF-8 (as {@link
   * #isValid}); else true, with their code points and where the first {@code <think>} and {@code
   * </think>} tags start in {@code found}. Words of eight ASCII bytes without a {@code '<'} are
   * passed over whole.
   */
  public static boolean scan(byte[] b, int from, int to, Found found) {
    int cps = 0;
    int open = -1;
    int openCps = -1;
    int close = -1;
    int closeCps = -1;
    boolean seek = true;
    int i = from;
    while (i < to) {
      while (i + 8 <= to) {
        long w = (long) LONGS.get(b, i);
        long x = w ^ LESS_THAN;
        long stop = seek ? (w | ((x - ONES) & ~x)) & HIGH_BITS : w & HIGH_BITS;
        if (stop != 0) {
          // The lowest flagged byte is exact (a borrow only flags bytes above a '<'): the
          // bytes before it are plain ASCII.
          int plain = Long.numberOfTrailingZeros(stop) >>> 3;
          i += plain;
          cps += plain;
          break;
        }
        i += 8;
        cps += 8;
      }
      if (i >= to) {
        break;
      }
      int c = b[i];
      if (c >= 0) {
        if (c == '<' && seek) {
          if (open < 0 && startsWith(b, i, to, OPEN)) {
            open = i;
            openCps = cps;
          } else if (close < 0 && startsWith(b, i, to, CLOSE)) {
            close = i;
            closeCps = cps;
          }
          seek = open < 0 || close < 0;
        }
        i++;
        cps++;
        continue;
      }
      int n = sequence(b, i, to);
      if (n < 0) {
        return false;
      }
      i += n;
      cps++;
    }
    found.codePoints = cps;
    found.open = open;
    found.openCodePoints = openCps;
    found.close = close;
    found.closeCodePoints = closeCps;
    return true;
  }

  /**
   * The code points in valid UTF-8 bytes {@code [from, to)}, or -1 when they are not valid (one
   * pass for both).
   */
  public static int validCodePoints(byte[] b, int from, int to) {
    int cps = 0;
    int i = from;
    while (i < to) {
      while (i + 8 <= to && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
        cps += 8;
      }
      if (i >= to) {
        break;
      }
      if (b[i] >= 0) {
        i++;
      } else {
        int n = sequence(b, i, to);
        if (n < 0) {
          return -1;
        }
        i += n;
      }
      cps++;
    }
    return cps;
  }

  private static boolean startsWith(byte[] b, int i, int to, byte[] ascii) {
    if (to - i < ascii.length) {
      return false;
    }
    for (int k = 1; k < ascii.length; k++) {
      if (b[i + k] != ascii[k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The length of the well-formed multi-byte sequence starting at {@code i} (its lead byte is
   * 0x80 or above), or -1.
   */
  private static int sequence(byte[] b, int i, int to) {
    int c = b[i] & 0xff;
    if (c < 0xC2) {
      return -1;
    }
    if (c < 0xE0) {
      return i + 1 < to && continuation(b[i + 1]) ? 2 : -1;
    }
    if (c < 0xF0) {
      if (i + 2 >= to) {
        return -1;
      }
      int c1 = b[i + 1] & 0xff;
      boolean ok = c == 0xE0 ? c1 >= 0xA0 && c1 <= 0xBF
          : c == 0xED ? c1 >= 0x80 && c1 <= 0x9F
          : continuation(b[i + 1]);
      return ok && continuation(b[i + 2]) ? 3 : -1;
    }
    if (c < 0xF5) {
      if (i + 3 >= to) {
        return -1;
      }
      int c1 = b[i + 1] & 0xff;
      boolean ok = c == 0xF0 ? c1 >= 0x90 && c1 <= 0xBF
          : c == 0xF4 ? c1 >= 0x80 && c1 <= 0x8F
          : continuation(b[i + 1]);
      return ok && continuation(b[i + 2]) && continuation(b[i + 3]) ? 4 : -1;
    }
    return -1;
  }

  /**
   * The code points in bytes {@code [from, to)} of valid UTF-8 that start and end on character
   * boundaries: what {@code String.codePointCount} gives for the decoded text (a supplementary
   * character is one, not two).
   */
  public static int codePoints(byte[] b, int from, int to) {
    int continuations = 0;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(b, i);
      // A continuation byte is 10xxxxxx: its top bit set and the next one clear.
      continuations += Long.bitCount(w & ~(w << 1) & HIGH_BITS);
    }
    for (; i < to; i++) {
      if ((b[i] & 0xC0) == 0x80) {
        continuations++;
      }
    }
    return to - from - continuations;
  }

  /**
   * The start of {@code [from, to)} of valid UTF-8 with leading {@link Character#isWhitespace}
   * characters passed over, as {@code String.strip} does.
   */
  public static int stripStart(byte[] b, int from, int to) {
    while (from < to) {
      int c = b[from] & 0xff;
      int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      if (!Character.isWhitespace(decode(b, from, n))) {
        break;
      }
      from += n;
    }
    return from;
  }

  /** The end of {@code [from, to)} with trailing whitespace passed over (see {@link #stripStart}). */
  public static int stripEnd(byte[] b, int from, int to) {
    while (to > from) {
      int start = to - 1;
      while (start > from && (b[start] & 0xC0) == 0x80) {
        start--;
      }
      if (!Character.isWhitespace(decode(b, start, to - start))) {
        break;
      }
      to = start;
    }
    return to;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  /** The code point of the {@code n}-byte sequence at {@code i}. */
  private static int decode(byte[] b, int i, int n) {
    return switch (n) {
      case 1 -> b[i];
      case 2 -> (b[i] & 0x1F) << 6 | (b[i + 1] & 0x3F);
      case 3 -> (b[i] & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F);
      default -> (b[i] & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6
          | (b[i + 3] & 0x3F);
    };
  }
}
