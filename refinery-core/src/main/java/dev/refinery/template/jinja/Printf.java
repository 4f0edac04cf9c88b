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
          yield String.format(java.util.Locale.ROOT, "%." + prec + (conv == 'F' ? 'f' : conv),
              Py.dbl(v));
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
}
