package dev.refinery.template.jinja;

import java.math.BigDecimal;

/** Python's text rules: whitespace, float repr, string repr. */
final class PyText {
  private PyText() {}

  /** Python's {@code str.isspace()} for one char. */
  static boolean isSpace(int c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0
        || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029
        || c == 0x202F || c == 0x205F || c == 0x3000;
  }

  /** Python's {@code repr(float)}: shortest round-trip digits, exponent outside [-4, 16). */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal bd = shortest(Math.abs(d));
    String digits = bd.unscaledValue().toString();
    int exp = digits.length() - bd.scale() - 1; // decimal exponent of the first digit
    StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
    if (exp >= -4 && exp < 16) {
      if (exp < 0) {
        sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
      } else if (digits.length() <= exp + 1) {
        sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
      } else {
        sb.append(digits, 0, exp + 1).append('.').append(digits.substring(exp + 1));
      }
    } else {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits.substring(1));
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      sb.append(a < 10 ? "0" + a : String.valueOf(a));
    }
    return sb.toString();
  }

  /**
   * The shortest decimal that reads back as {@code d} (the nearest one of that length), as
   * Python's repr finds it; JDK 17's Double.toString is not always the shortest.
   */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new java.math.MathContext(p, java.math.RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        return r.stripTrailingZeros();
      }
    }
    return new BigDecimal(Double.toString(d)).stripTrailingZeros();
  }

  /** Python's {@code repr(str)}. */
  static String strRepr(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder sb = new StringBuilder().append(quote);
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c == quote || c == '\\') {
        sb.append('\\').appendCodePoint(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02x", c));
      } else if (c >= 0x80 && !printable(c)) {
        if (c <= 0xff) {
          sb.append(String.format("\\x%02x", c));
        } else if (c <= 0xffff) {
          sb.append(String.format("\\u%04x", c));
        } else {
          sb.append(String.format("\\U%08x", c));
        }
      } else {
        sb.appendCodePoint(c);
      }
    }
    return sb.append(quote).toString();
  }

  /** Approximates Python's str.isprintable() for non-ASCII code points. */
  private static boolean printable(int c) {
    if (c == 0x20) {
      return true;
    }
    int t = Character.getType(c);
    return switch (t) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
          Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }
}
