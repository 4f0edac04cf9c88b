package dev.refinery.template.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators,
 * sort_keys=sort_keys)}, as transformers' {@code tojson} filter calls it.
 */
final class JsonDumps {
  private final String indent;
  private final String itemSep;
  private final String keySep;
  private final boolean sortKeys;
  private final boolean ensureAscii;

  JsonDumps(Object indent, Object separators, boolean sortKeys, boolean ensureAscii) {
    this.ensureAscii = ensureAscii;
    if (indent == null || indent instanceof Py.Undefined) {
      this.indent = null;
    } else if (Py.isInt(indent)) {
      this.indent = " ".repeat((int) Math.max(0, Py.longOf(indent)));
    } else if (Py.isStr(indent)) {
      this.indent = TStr.text(indent);
    } else {
      throw new JinjaException("tojson: indent must be an int or a string");
    }
    if (separators instanceof List<?> l && l.size() == 2) {
      itemSep = Py.text(l.get(0));
      keySep = Py.text(l.get(1));
    } else {
      itemSep = this.indent == null ? ", " : ",";
      keySep = ": ";
    }
    this.sortKeys = sortKeys;
  }

  String dump(Object o) {
    StringBuilder sb = new StringBuilder();
    write(sb, o, 0);
    return sb.toString();
  }

  private void write(StringBuilder sb, Object o, int level) {
    if (level > 500) {
      throw new JinjaException("tojson: nesting too deep");
    }
    if (o == null) {
      sb.append("null");
    } else if (o instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (o instanceof Double d) {
      sb.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity")
          : PyText.floatRepr(d));
    } else if (Py.isInt(o)) {
      sb.append(o);
    } else if (Py.isStr(o)) {
      string(sb, TStr.text(o), ensureAscii);
    } else if (o instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(itemSep);
        }
        newline(sb, level + 1);
        write(sb, l.get(i), level + 1);
      }
      newline(sb, level);
      sb.append(']');
    } else if (o instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
      if (sortKeys) {
        entries.sort((a, b) -> Py.compare(a.getKey(), b.getKey(), "<"));
      }
      sb.append('{');
      boolean first = true;
      for (var e : entries) {
        if (!first) {
          sb.append(itemSep);
        }
        first = false;
        newline(sb, level + 1);
        Object k = e.getKey();
        if (Py.isStr(k)) {
          string(sb, TStr.text(k), ensureAscii);
        } else if (k == null || k instanceof Boolean || Py.isNumber(k)) {
          StringBuilder ks = new StringBuilder();
          write(ks, k, 0);
          string(sb, ks.toString(), false);
        } else {
          throw new JinjaException("keys must be str, int, float, bool or None, not "
              + Py.typeName(k));
        }
        sb.append(keySep);
        write(sb, e.getValue(), level + 1);
      }
      newline(sb, level);
      sb.append('}');
    } else {
      throw new JinjaException("Object of type " + Py.typeName(o) + " is not JSON serializable");
    }
  }

  private void newline(StringBuilder sb, int level) {
    if (indent != null) {
      sb.append('\n').append(indent.repeat(level));
    }
  }

  static void string(StringBuilder sb, String s, boolean ascii) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || (ascii && c > 0x7e)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
