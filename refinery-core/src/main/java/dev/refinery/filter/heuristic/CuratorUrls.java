package dev.refinery.filter.heuristic;

import dev.refinery.RefineryException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The URLs Curator's {@code regex_url.findall} finds: by default a hand-written scanner
 * equivalent to {@link #DEFAULT_REGEX} (no regex engine on the hot path), otherwise the user's
 * pattern.
 */
final class CuratorUrls implements Serializable {
  /** NeMo Curator's {@code regex_url} at the pinned commit (the test vectors' url_regex). */
  static final String DEFAULT_REGEX =
      "https?://(?:[A-Za-z0-9$\\-_@.&+/:=?#~]|[!*\\(\\),]|(?:%[0-9A-Fa-f]{2}))+";

  private static final boolean[] URL_CHAR = new boolean[128];

  static {
    String chars = "$-_@.&+/:=?#~!*(),";
    for (char c = 'a'; c <= 'z'; c++) {
      URL_CHAR[c] = true;
      URL_CHAR[Character.toUpperCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      URL_CHAR[c] = true;
    }
    for (char c : chars.toCharArray()) {
      URL_CHAR[c] = true;
    }
  }

  /** Null for the built-in scanner. */
  private final Pattern custom;

  private CuratorUrls(Pattern custom) {
    this.custom = custom;
  }

  static final CuratorUrls DEFAULT = new CuratorUrls(null);

  /**
   * Empty means Curator's default. A custom pattern is Java regex syntax with Unicode classes, as
   * Python's {@code re} gives for str patterns ({@code \s}, {@code \w}, {@code \d} beyond ASCII).
   */
  static CuratorUrls of(String filter, String regex) {
    if (regex.isEmpty()) {
      return DEFAULT;
    }
    try {
      return new CuratorUrls(Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS));
    } catch (PatternSyntaxException e) {
      throw new RefineryException(filter + ".url_regex: not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex() + " of '" + regex + "'");
    }
  }

  /** Calls {@code onUrl(start, end)} for each URL in order; stops when it returns non-zero. */
  void forEach(String text, IntBinaryOperator onUrl) {
    if (custom != null) {
      Matcher m = custom.matcher(text);
      while (m.find()) {
        if (onUrl.applyAsInt(m.start(), m.end()) != 0) {
          return;
        }
      }
      return;
    }
    int n = text.length();
    int from = 0;
    while (true) {
      int h = text.indexOf("http", from);
      if (h < 0) {
        return;
      }
      int i = h + 4;
      if (i < n && text.charAt(i) == 's') {
        i++;
      }
      if (!text.startsWith("://", i)) {
        from = h + 1;
        continue;
      }
      i += 3;
      int bodyStart = i;
      while (i < n) {
        char c = text.charAt(i);
        if (c < 128 && URL_CHAR[c]) {
          i++;
        } else if (c == '%' && i + 2 < n && isHex(text.charAt(i + 1))
            && isHex(text.charAt(i + 2))) {
          i += 3;
        } else {
          break;
        }
      }
      if (i == bodyStart) {
        from = h + 1;
        continue;
      }
      if (onUrl.applyAsInt(h, i) != 0) {
        return;
      }
      from = i;
    }
  }

  List<String> findAll(String text) {
    List<String> urls = new ArrayList<>();
    forEach(text, (s, e) -> {
      urls.add(text.substring(s, e));
      return 0;
    });
    return urls;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
