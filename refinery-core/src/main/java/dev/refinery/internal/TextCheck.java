package dev.refinery.internal;

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
   * can hold a surrogate as it is). Almost no record has any, so readers skip the walk.
   */
  public static boolean maySpellSurrogate(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = bytes[i];
      if (b == 0) {
        return true;
      }
      if (b == (byte) 0xED) {
        if (i + 1 < to && (bytes[i + 1] & 0xE0) == 0xA0) {
          return true;
        }
      } else if (b == '\\' && i + 3 < to && bytes[i + 1] == 'u'
          && (bytes[i + 2] | 0x20) == 'd' && "89abcdefABCDEF".indexOf(bytes[i + 3]) >= 0) {
        return true;
      }
    }
    return false;
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
