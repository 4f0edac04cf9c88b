package dev.refinery.template.jinja;

import java.util.List;
import java.util.Map;

/** Python's printf-style {@code str % args} for the common conversions (s, r, d, i, f, %). */
final class Printf {
  private Printf() {}

  static String format(String fmt, Object args) {
    List<?> values = args instanceof Py.Tuple t ? t : List.of(args == null ? "None" : args);
    if (args == null) {
      values = java.util.Collections.singletonList(null);
    }
    StringBuilder sb = new StringBuilder();
    int next = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%') {
        sb.append(c);
        continue;
      }
      int j = i + 1;
      Object named = null;
      if (j < fmt.length() && fmt.charAt(j) == '(' && args instanceof Map<?, ?> m) {
        int close = fmt.indexOf(')', j);
        named = m.get(fmt.substring(j + 1, close));
        j = close + 1;
      }
      StringBuilder spec = new StringBuilder();
      while (j < fmt.length() && "0123456789.-+ #".indexOf(fmt.charAt(j)) >= 0) {
        spec.append(fmt.charAt(j++));
      }
      if (j >= fmt.length()) {
        throw new JinjaException("incomplete format");
      }
      char conv = fmt.charAt(j);
      i = j;
      if (conv == '%') {
        sb.append('%');
        continue;
      }
      Object v;
      if (named != null || args instanceof Map<?, ?>) {
        v = named;
      } else {
        if (next >= values.size()) {
          throw new JinjaException("not enough arguments for format string");
        }
        v = values.get(next++);
      }
      String body = switch (conv) {
        case 's' -> Py.text(v);
        case 'r', 'a' -> Py.repr(v);
        case 'd', 'i' -> {
          if (!Py.isNumber(v)) {
            throw new JinjaException("%d format: a real number is required, not " + Py.typeName(v));
          }
          yield v instanceof Double d ? String.valueOf((long) Math.floor(d)) : Py.big(v).toString();
        }
        case 'f', 'F', 'e', 'g' -> {
          if (!Py.isNumber(v)) {
            throw new JinjaException("must be real number, not " + Py.typeName(v));
          }
          String s = spec.toString();
          int dot = s.indexOf('.');
          int prec = dot >= 0 ? Integer.parseInt(s.substring(dot + 1)) : 6;
          spec.setLength(dot >= 0 ? dot : spec.length());
          double d = Py.dbl(v);
          if (conv == 'f' || conv == 'F') {
            yield fixed(d, prec, conv == 'F');
          }
          yield String.format(java.util.Locale.ROOT, "%." + prec + conv, d);
        }
        default -> throw new JinjaException("unsupported format character '" + conv + "'");
      };
      String s = spec.toString();
      if (!s.isEmpty() && conv != 'f' && conv != 'e' && conv != 'g' && conv != 'F') {
        int dot = s.indexOf('.');
        if (dot >= 0 && conv == 's') {
          body = body.substring(0, Math.min(body.length(), Integer.parseInt(s.substring(dot + 1))));
          s = s.substring(0, dot);
        }
      }
      String width = s.replaceAll("[^0-9]", "");
      if (!width.isEmpty() && !s.startsWith(".")) {
        int w = Integer.parseInt(width);
        boolean left = s.contains("-");
        boolean zero = s.startsWith("0") && !left;
        while (body.length() < w) {
          body = left ? body + " " : (zero ? "0" : " ") + body;
        }
      }
      sb.append(body);
    }
    if (!(args instanceof Map<?, ?>) && next < values.size() && args instanceof Py.Tuple) {
      throw new JinjaException("not all arguments converted during string formatting");
    }
    return sb.toString();
  }

  /**
   * {@code %.Nf} as Python writes it: the double's exact value rounded half to even ({@code
   * '%.2f' % 0.125} is {@code 0.12}, {@code 2.675} gives {@code 2.67}); Java's formatter rounds
   * half up from the shortest decimal and gives 0.13 and 2.68.
   */
  static String fixed(double d, int prec, boolean upper) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      String s = Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
      return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
    }
    String s = new java.math.BigDecimal(d).setScale(prec, java.math.RoundingMode.HALF_EVEN)
        .toPlainString();
    // Python keeps the sign of a negative value that rounds to zero: '%.1f' % -0.01 is -0.0.
    return (d < 0 || (d == 0 && 1 / d < 0)) && !s.startsWith("-") ? "-" + s : s;
  }
}
