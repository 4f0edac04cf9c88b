package dev.refinery.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds a UTF-16 surrogate without its pair in a record: JSON can spell one ("\ud800", or the
 * CESU-8 bytes ED A0 80, which Jackson reads the same way), but it is no Unicode character, so
 * UTF-8 (Parquet) would store it as '?' and a tokenizer as U+FFFD. Readers reject such records
 * and writers refuse them, so no format ever changes the text silently.
 */
public final class TextCheck {
  private TextCheck() {}

  /**
   * An unpaired surrogate found in a record: the UTF-16 unit, and where ({@code
   * messages[0].content}, {@code a key in metadata}; empty for a bare string).
   */
  public record Unpaired(char unit, String path) {
    /** The unit as JSON would escape it: {@code \ud800}. */
    public String escaped() {
      return String.format(Locale.ROOT, "\\u%04x", (int) unit);
    }

    /** {@code \ud800 at messages[0].content}. */
    @Override
    public String toString() {
      return escaped() + (path.isEmpty() ? "" : " at " + path);
    }
  }

  /** The first unpaired surrogate in {@code value}, or null. */
  public static Unpaired unpairedSurrogate(Object value) {
    // Writers check every row: only a row that has one pays for the path strings.
    return has(value) ? find(value, "") : null;
  }

  /**
   * Whether JSON bytes may spell an unpaired surrogate, so that the record they parse to is worth
   * {@link #unpairedSurrogate scanning}: an escape {@code \uD800} to {@code \uDFFF} (any case),
   * the CESU-8 bytes ED A0 to ED BF, or a NUL byte (no UTF-8 JSON has one; UTF-16 or UTF-32 text
   * can hold a surrogate as it is). Almost no record has any, so readers skip the walk. For a
   * piece of a stream, which may start inside an escape, every surrogate escape counts.
   */
  public static boolean maySpellSurrogate(byte[] bytes, int from, int to) {
    return scan(bytes, from, to, false);
  }

  /**
   * The same for the bytes of one whole JSON text (a JSONL line), read from its start so every
   * backslash is known to open an escape or not: a well-formed escaped pair ({@code \uD83D\uDE00},
   * how Python's json.dumps writes an emoji by default) is a character, not a reason to walk.
   */
  public static boolean maySpellSurrogateInRecord(byte[] bytes, int from, int to) {
    return scan(bytes, from, to, true);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long ED = 0xEDEDEDEDEDEDEDEDL;
  private static final long BACKSLASH = 0x5C5C5C5C5C5C5C5CL;

  /** Whether one of the eight bytes of {@code word} is the byte repeated in {@code pattern}. */
  private static boolean holds(long word, long pattern) {
    long x = word ^ pattern;
    return ((x - ONES) & ~x & HIGHS) != 0;
  }

  private static boolean scan(byte[] bytes, int from, int to, boolean wholeRecord) {
    int i = from;
    while (i < to) {
      // Eight bytes at a time past text with no NUL, no ED and no backslash: nearly all of it.
      while (i + 8 <= to) {
        long word = (long) LONGS.get(bytes, i);
        if (holds(word, 0) || holds(word, ED) || holds(word, BACKSLASH)) {
          break;
        }
        i += 8;
      }
      if (i >= to) {
        return false;
      }
      int b = bytes[i];
      if (b == 0) {
        return true;
      }
      if (b == (byte) 0xED) {
        if (i + 1 < to && (bytes[i + 1] & 0xE0) == 0xA0) {
          return true;
        }
      } else if (b == '\\') {
        int unit = surrogateEscape(bytes, i, to);
        if (unit >= 0) {
          // A high escape followed at once by a low one is a character; anything else may not be.
          if (!wholeRecord || unit > 0xB || surrogateEscape(bytes, i + 6, to) < 0xC) {
            return true;
          }
          i += 12;
          continue;
        }
        if (wholeRecord && i + 1 < to) {
          i += 2; // the backslash and the character it escapes (an escaped backslash included)
          continue;
        }
      }
      i++;
    }
    return false;
  }

  /**
   * The third hex digit (8 to 15) of a surrogate escape (backslash, u, D, then 8 to F) at
   * {@code at}, or -1 when there is none. Four bytes tell, so a stream's window of the last
   * three bytes of a read finds one split between reads.
   */
  private static int surrogateEscape(byte[] bytes, int at, int to) {
    if (at + 3 >= to || bytes[at] != '\\' || bytes[at + 1] != 'u'
        || (bytes[at + 2] | 0x20) != 'd') {
      return -1;
    }
    int digit = bytes[at + 3] | 0x20;
    return digit == '8' || digit == '9' ? digit - '0'
        : digit >= 'a' && digit <= 'f' ? digit - 'a' + 10 : -1;
  }

  private static boolean has(Object value) {
    if (value instanceof String s) {
      return unpaired(s) >= 0;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (has(e.getKey()) || has(e.getValue())) {
          return true;
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        if (has(item)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Unpaired find(Object value, String path) {
    if (value instanceof String s) {
      int at = unpaired(s);
      return at < 0 ? null : new Unpaired(s.charAt(at), path);
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String child = path.isEmpty() ? key : path + "." + key;
        Unpaired found = find(key, path.isEmpty() ? "a key" : "a key in " + path);
        if (found == null) {
          found = find(e.getValue(), child);
        }
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Unpaired found = find(list.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** The index of the first unpaired surrogate in {@code s}, or -1. */
  public static int unpaired(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The reason a reader gives for a record holding an unpaired surrogate. */
  public static String reason(Unpaired found) {
    return "invalid Unicode: unpaired surrogate " + found
        + " (no UTF-8 text can hold it; fix or drop the record)";
  }
}
