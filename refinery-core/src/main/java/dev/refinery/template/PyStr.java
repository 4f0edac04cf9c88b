package dev.refinery.template;

/** Python's {@code str.strip()} family, whose idea of whitespace differs from Java's. */
final class PyStr {
  private PyStr() {}

  /** Python's {@code str.isspace()} for one code point. */
  static boolean isSpace(int c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0
        || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029
        || c == 0x202F || c == 0x205F || c == 0x3000;
  }

  /** {@code s.strip()}: Jinja's {@code trim} filter. */
  static String strip(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isSpace(s.codePointAt(from))) {
      from += Character.charCount(s.codePointAt(from));
    }
    while (to > from && isSpace(s.codePointBefore(to))) {
      to -= Character.charCount(s.codePointBefore(to));
    }
    return s.substring(from, to);
  }

  /** {@code s.lstrip(ch)} for one character. */
  static String lstrip(String s, char ch) {
    int from = 0;
    while (from < s.length() && s.charAt(from) == ch) {
      from++;
    }
    return s.substring(from);
  }

  /** {@code s.rstrip(ch)} for one character. */
  static String rstrip(String s, char ch) {
    int to = s.length();
    while (to > 0 && s.charAt(to - 1) == ch) {
      to--;
    }
    return s.substring(0, to);
  }

  static String strip(String s, char ch) {
    return lstrip(rstrip(s, ch), ch);
  }
}
