package dev.refinery.template.jinja;

import dev.refinery.template.jinja.Py.Fn;
import dev.refinery.template.jinja.Py.Tuple;
import dev.refinery.template.jinja.Py.Undefined;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Jinja's filters and tests, and the Python methods of str, dict and list. */
final class Builtins {
  private Builtins() {}

  private static Object arg(List<Object> args, Map<String, Object> kw, int i, String name,
                            Object dflt) {
    if (i < args.size()) {
      return args.get(i);
    }
    if (kw.containsKey(name)) {
      return kw.get(name);
    }
    return dflt;
  }

  private static String needStr(Object v, String what) {
    Py.checkDefined(v);
    if (!Py.isStr(v)) {
      throw new JinjaException(what + " must be str, not " + Py.typeName(v));
    }
    return TStr.text(v);
  }

  // ---- filters

  /**
   * The names {@link #filter} and {@link #test} know, so that an expression naming another one is
   * refused when it is compiled rather than on its first row. BuiltinsNamesTest keeps them in step
   * with the switches.
   */
  static final Set<String> FILTERS = Set.of("length", "count", "trim", "tojson", "default", "d",
      "string", "safe", "e", "escape", "forceescape", "int", "float", "lower", "upper",
      "capitalize", "title", "replace", "join", "first", "last", "list", "items", "dictsort",
      "selectattr", "rejectattr", "select", "reject", "map", "unique", "sort", "reverse", "abs",
      "round", "indent", "batch", "sum", "min", "max", "wordcount", "center", "truncate",
      "format", "attr", "pprint");

  static final Set<String> TESTS = Set.of("defined", "undefined", "none", "string", "mapping",
      "iterable", "sequence", "number", "integer", "float", "boolean", "true", "false",
      "callable", "odd", "even", "divisibleby", "eq", "==", "equalto", "ne", "!=", "gt", ">",
      "greaterthan", "ge", ">=", "lt", "<", "lessthan", "le", "<=", "in", "sameas", "lower",
      "upper", "escaped", "filter", "test");


  static Object filter(Interp in, String name, Object v, List<Object> args,
                       Map<String, Object> kw, Interp.Frame f) {
    switch (name) {
      case "length", "count":
        return Py.len(v);
      case "trim": {
        Object chars = arg(args, kw, 0, "chars", null);
        return strip(Py.str(v), chars, true, true);
      }
      case "tojson": {
        // transformers' signature: tojson(x, ensure_ascii=False, indent=None, separators=None,
        // sort_keys=False)
        boolean ascii = Py.truthy(arg(args, kw, 0, "ensure_ascii", false));
        Object indent = arg(args, kw, 1, "indent", null);
        Object seps = arg(args, kw, 2, "separators", null);
        boolean sort = Py.truthy(arg(args, kw, 3, "sort_keys", false));
        String s = new JsonDumps(indent, seps, sort, ascii).dump(v);
        return TStr.wrapLike(s, v);
      }
      case "default", "d": {
        Object dflt = arg(args, kw, 0, "default_value", "");
        boolean bool = Py.truthy(arg(args, kw, 1, "boolean", false));
        if (v instanceof Undefined || (bool && !Py.truthy(v))) {
          return dflt;
        }
        return v;
      }
      case "string":
        return Py.str(v);
      case "safe", "e", "escape", "forceescape":
        if (name.equals("safe")) {
          return v;
        }
        {
          String s = Py.text(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
              .replace("\"", "&#34;").replace("'", "&#39;");
          return TStr.wrapLike(s, v);
        }
      case "int": {
        Object dflt = arg(args, kw, 0, "default", 0L);
        long base = Py.longOf(arg(args, kw, 1, "base", 10L));
        if (Py.isInt(v)) {
          return v instanceof Boolean b ? (Object) (b ? 1L : 0L) : v;
        }
        if (v instanceof Double d) {
          return d.isNaN() || d.isInfinite() ? dflt : Py.norm(new BigDecimal(d).toBigInteger());
        }
        if (Py.isStr(v)) {
          String s = TStr.text(v).strip().replace("_", "");
          String digits = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
          String sign = s.startsWith("-") ? "-" : "";
          String prefix = digits.length() > 1 ? digits.substring(0, 2).toLowerCase(Locale.ROOT) : "";
          int radix = (int) base;
          if (prefix.equals("0x") && (base == 16 || base == 0)) {
            radix = 16;
          } else if (prefix.equals("0o") && (base == 8 || base == 0)) {
            radix = 8;
          } else if (prefix.equals("0b") && (base == 2 || base == 0)) {
            radix = 2;
          } else {
            prefix = "";
          }
          if (radix == 0) {
            radix = 10;
          }
          try {
            return Py.norm(new java.math.BigInteger(sign + digits.substring(prefix.length()),
                radix));
          } catch (NumberFormatException e) {
            try {
              return Py.norm(new BigDecimal(s).toBigInteger());
            } catch (NumberFormatException e2) {
              return dflt;
            }
          }
        }
        return dflt;
      }
      case "float": {
        Object dflt = arg(args, kw, 0, "default", 0.0);
        if (Py.isNumber(v)) {
          return Py.dbl(v);
        }
        if (Py.isStr(v)) {
          try {
            String s = TStr.text(v).strip().toLowerCase(Locale.ROOT);
            return switch (s) {
              case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
              case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
              case "nan" -> Double.NaN;
              default -> Double.parseDouble(s);
            };
          } catch (NumberFormatException e) {
            return dflt;
          }
        }
        return dflt;
      }
      case "lower":
        return mapStr(Py.str(v), s -> s.toLowerCase(Locale.ROOT));
      case "upper":
        return mapStr(Py.str(v), s -> s.toUpperCase(Locale.ROOT));
      case "capitalize":
        return TStr.wrapLike(capitalize(Py.text(v)), v);
      case "title":
        return TStr.wrapLike(titleFilter(Py.text(v)), v);
      case "replace": {
        Object old = args.get(0);
        Object nw = args.get(1);
        Object count = arg(args, kw, 2, "count", null);
        return replace(Py.str(v), Py.text(old), Py.text(nw), count == null ? -1 : Py.longOf(count));
      }
      case "join": {
        Object sep = arg(args, kw, 0, "d", "");
        Object attr = arg(args, kw, 1, "attribute", null);
        List<Object> parts = new ArrayList<>();
        boolean first = true;
        for (Object x : Py.iterate(v)) {
          if (!first) {
            parts.add(Py.str(sep));
          }
          first = false;
          parts.add(Py.str(attr == null ? x : attrPath(in, x, attr)));
        }
        return TStr.concatAll(parts);
      }
      case "first": {
        List<Object> l = Py.iterate(v);
        return l.isEmpty() ? new Undefined(null, "No first item, sequence was empty.") : l.get(0);
      }
      case "last": {
        List<Object> l = Py.iterate(v);
        return l.isEmpty() ? new Undefined(null, "No last item, sequence was empty.")
            : l.get(l.size() - 1);
      }
      case "list":
        return Py.iterate(v);
      case "items": {
        if (v instanceof Undefined) {
          return new ArrayList<>();
        }
        if (!(v instanceof Map<?, ?> m)) {
          throw new JinjaException("Can only get item pairs from a mapping.");
        }
        List<Object> out = new ArrayList<>();
        for (var e : m.entrySet()) {
          out.add(new Tuple(Py.list(e.getKey(), e.getValue())));
        }
        return out;
      }
      case "dictsort": {
        if (!(v instanceof Map<?, ?> m)) {
          throw new JinjaException("dictsort: a mapping is required");
        }
        boolean cs = Py.truthy(arg(args, kw, 0, "case_sensitive", false));
        String by = Py.text(arg(args, kw, 1, "by", "key"));
        boolean rev = Py.truthy(arg(args, kw, 2, "reverse", false));
        List<Object> out = new ArrayList<>();
        for (var e : m.entrySet()) {
          out.add(new Tuple(Py.list(e.getKey(), e.getValue())));
        }
        int pos = by.equals("value") ? 1 : 0;
        out.sort((a, b) -> Py.compare(sortKey(((Tuple) a).get(pos), cs),
            sortKey(((Tuple) b).get(pos), cs), "<"));
        if (rev) {
          java.util.Collections.reverse(out);
        }
        return out;
      }
      case "selectattr", "rejectattr", "select", "reject": {
        boolean attrMode = name.endsWith("attr");
        boolean keep = name.startsWith("select");
        Object attr = attrMode ? args.get(0) : null;
        int t = attrMode ? 1 : 0;
        String test = args.size() > t ? Py.text(args.get(t)) : null;
        List<Object> testArgs = args.size() > t + 1 ? args.subList(t + 1, args.size()) : List.of();
        List<Object> out = new ArrayList<>();
        for (Object x : Py.iterate(v)) {
          Object subject = attrMode ? attrPath(in, x, attr) : x;
          boolean r = test == null ? Py.truthy(subject) : test(test, subject, testArgs, f);
          if (r == keep) {
            out.add(x);
          }
        }
        return out;
      }
      case "map": {
        List<Object> out = new ArrayList<>();
        if (kw.containsKey("attribute")) {
          Object dflt = kw.get("default");
          for (Object x : Py.iterate(v)) {
            Object a = attrPath(in, x, kw.get("attribute"));
            out.add(a instanceof Undefined && dflt != null ? dflt : a);
          }
          return out;
        }
        String fname = Py.text(args.get(0));
        List<Object> rest = args.subList(1, args.size());
        Map<String, Object> kw2 = new LinkedHashMap<>(kw);
        for (Object x : Py.iterate(v)) {
          out.add(filter(in, fname, x, rest, kw2, f));
        }
        return out;
      }
      case "unique": {
        boolean cs = Py.truthy(arg(args, kw, 0, "case_sensitive", false));
        Object attr = arg(args, kw, 1, "attribute", null);
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object x : Py.iterate(v)) {
          Object k = sortKey(attr == null ? x : attrPath(in, x, attr), cs);
          boolean dup = false;
          for (Object s : seen) {
            if (Py.eq(s, k)) {
              dup = true;
              break;
            }
          }
          if (!dup) {
            seen.add(k);
            out.add(x);
          }
        }
        return out;
      }
      case "sort": {
        boolean rev = Py.truthy(arg(args, kw, 0, "reverse", false));
        boolean cs = Py.truthy(arg(args, kw, 1, "case_sensitive", false));
        Object attr = arg(args, kw, 2, "attribute", null);
        List<Object> out = Py.iterate(v);
        Comparator<Object> cmp = (a, b) -> Py.compare(
            sortKey(attr == null ? a : attrPath(in, a, attr), cs),
            sortKey(attr == null ? b : attrPath(in, b, attr), cs), "<");
        out.sort(rev ? cmp.reversed() : cmp);
        return out;
      }
      case "reverse": {
        if (Py.isStr(v)) {
          return Py.slice(v, null, null, -1L);
        }
        List<Object> out = Py.iterate(v);
        java.util.Collections.reverse(out);
        return out;
      }
      case "abs":
        Py.checkDefined(v);
        if (v instanceof Double d) {
          return Math.abs(d);
        }
        if (Py.isInt(v)) {
          return Py.norm(Py.big(v).abs());
        }
        throw new JinjaException("bad operand type for abs(): '" + Py.typeName(v) + "'");
      case "round": {
        long precision = Py.longOf(arg(args, kw, 0, "precision", 0L));
        String method = Py.text(arg(args, kw, 1, "method", "common"));
        Py.checkDefined(v);
        double d = Py.dbl(v);
        if (method.equals("common")) {
          if (Py.isInt(v)) {
            return v instanceof Boolean b ? (Object) (b ? 1L : 0L) : v;
          }
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            return d;
          }
          // Python's round(): the exact binary value, ties to even
          return new BigDecimal(d).setScale((int) precision, RoundingMode.HALF_EVEN).doubleValue();
        }
        double m = Math.pow(10, precision);
        return (method.equals("ceil") ? Math.ceil(d * m) : Math.floor(d * m)) / m;
      }
      case "indent": {
        Object width = arg(args, kw, 0, "width", 4L);
        boolean first = Py.truthy(arg(args, kw, 1, "first", false));
        boolean blank = Py.truthy(arg(args, kw, 2, "blank", false));
        String ind = Py.isStr(width) ? TStr.text(width) : " ".repeat((int) Py.longOf(width));
        String s = Py.text(v) + "\n";
        List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
        lines.remove(lines.size() - 1);
        StringBuilder sb = new StringBuilder();
        if (blank) {
          sb.append(String.join("\n" + ind, lines));
        } else {
          sb.append(lines.get(0));
          for (int i = 1; i < lines.size(); i++) {
            sb.append('\n').append(lines.get(i).isEmpty() ? "" : ind).append(lines.get(i));
          }
        }
        return TStr.wrapLike((first ? ind : "") + sb, v);
      }
      case "batch": {
        long size = Py.longOf(args.get(0));
        Object fill = arg(args, kw, 1, "fill_with", null);
        List<Object> out = new ArrayList<>();
        List<Object> cur = new ArrayList<>();
        for (Object x : Py.iterate(v)) {
          cur.add(x);
          if (cur.size() == size) {
            out.add(cur);
            cur = new ArrayList<>();
          }
        }
        if (!cur.isEmpty()) {
          if (fill != null) {
            while (cur.size() < size) {
              cur.add(fill);
            }
          }
          out.add(cur);
        }
        return out;
      }
      case "sum": {
        Object attr = arg(args, kw, 0, "attribute", null);
        Object acc = arg(args, kw, 1, "start", 0L);
        for (Object x : Py.iterate(v)) {
          acc = Py.add(acc, attr == null ? x : attrPath(in, x, attr));
        }
        return acc;
      }
      case "min", "max": {
        boolean cs = Py.truthy(arg(args, kw, 0, "case_sensitive", false));
        Object attr = arg(args, kw, 1, "attribute", null);
        List<Object> l = Py.iterate(v);
        if (l.isEmpty()) {
          return new Undefined(null, "No aggregated item, sequence was empty.");
        }
        Object best = l.get(0);
        for (Object x : l) {
          int c = Py.compare(sortKey(attr == null ? x : attrPath(in, x, attr), cs),
              sortKey(attr == null ? best : attrPath(in, best, attr), cs), "<");
          if (name.equals("min") ? c < 0 : c > 0) {
            best = x;
          }
        }
        return best;
      }
      case "wordcount": {
        String s = Py.text(v);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\w+",
            java.util.regex.Pattern.UNICODE_CHARACTER_CLASS).matcher(s);
        long n = 0;
        while (m.find()) {
          n++;
        }
        return n;
      }
      case "center": {
        long width = Py.longOf(arg(args, kw, 0, "width", 80L));
        return TStr.wrapLike(center(Py.text(v), (int) width, " "), v);
      }
      case "truncate": {
        String s = Py.text(v);
        long length = Py.longOf(arg(args, kw, 0, "length", 255L));
        boolean killwords = Py.truthy(arg(args, kw, 1, "killwords", false));
        String end = Py.text(arg(args, kw, 2, "end", "..."));
        long leeway = Py.longOf(arg(args, kw, 3, "leeway", 5L));
        if (s.length() <= length + leeway) {
          return v;
        }
        if (killwords) {
          return s.substring(0, (int) Math.max(0, length - end.length())) + end;
        }
        String r = s.substring(0, (int) Math.max(0, length - end.length()));
        int sp = r.lastIndexOf(' ');
        if (sp >= 0) {
          r = r.substring(0, sp);
        }
        return r + end;
      }
      case "format": {
        Object a = args.size() == 1 ? args.get(0) : new Tuple(args);
        if (!kw.isEmpty()) {
          a = kw;
        }
        return Printf.format(Py.text(v), a);
      }
      case "attr":
        return in.getAttr(v, Py.text(args.get(0)), true);
      case "pprint":
        return Py.repr(v);
      default:
        throw new JinjaException("No filter named '" + name + "'.");
    }
  }

  private static Object sortKey(Object v, boolean caseSensitive) {
    if (!caseSensitive && Py.isStr(v)) {
      return TStr.text(v).toLowerCase(Locale.ROOT);
    }
    return v;
  }

  /** Jinja's attribute lookup for filters: dotted paths, integer parts as indexes. */
  private static Object attrPath(Interp in, Object x, Object attr) {
    if (Py.isInt(attr)) {
      return Py.getItem(x, attr, in);
    }
    Object cur = x;
    for (String part : Py.text(attr).split("\\.")) {
      Object key = part;
      if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
        key = Long.parseLong(part);
      }
      cur = Py.getItem(cur, key, in);
      if (cur instanceof Undefined) {
        return cur;
      }
    }
    return cur;
  }

  private static Object mapStr(Object v, java.util.function.UnaryOperator<String> op) {
    String s = TStr.text(v);
    String r = op.apply(s);
    if (r.length() == s.length() && v instanceof TStr t) {
      return new TStr(r, t.spans);
    }
    return TStr.wrapLike(r, v);
  }

  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int c = s.codePointAt(0);
    return new String(Character.toChars(Character.toTitleCase(c)))
        + s.substring(Character.charCount(c)).toLowerCase(Locale.ROOT);
  }

  private static final java.util.regex.Pattern WORD_BEGINNING =
      java.util.regex.Pattern.compile("([-\\s({\\[<]+)");

  /**
   * Jinja2's {@code title} filter, which is not Python's {@code str.title()}: words begin only
   * after spaces, dashes and opening brackets ({@code tool_calling} stays {@code Tool_calling}).
   */
  static String titleFilter(String s) {
    StringBuilder sb = new StringBuilder();
    java.util.regex.Matcher m = WORD_BEGINNING.matcher(s);
    int at = 0;
    while (m.find()) {
      titleWord(sb, s.substring(at, m.start()));
      sb.append(m.group());
      at = m.end();
    }
    titleWord(sb, s.substring(at));
    return sb.toString();
  }

  private static void titleWord(StringBuilder sb, String word) {
    if (!word.isEmpty()) {
      int first = Character.charCount(word.codePointAt(0));
      sb.append(word.substring(0, first).toUpperCase(Locale.ROOT))
          .append(word.substring(first).toLowerCase(Locale.ROOT));
    }
  }

  static String title(String s) {
    StringBuilder sb = new StringBuilder();
    boolean prevCased = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isLetter(c)) {
        sb.appendCodePoint(prevCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
        prevCased = true;
      } else {
        sb.appendCodePoint(c);
        prevCased = false;
      }
    }
    return sb.toString();
  }

  private static String center(String s, int width, String fill) {
    int n = s.codePointCount(0, s.length());
    if (width <= n) {
      return s;
    }
    int marg = width - n;
    int left = marg / 2 + (marg & width & 1);
    return fill.repeat(left) + s + fill.repeat(marg - left);
  }

  // ---- tests

  static boolean test(String name, Object v, List<Object> args, Interp.Frame f) {
    switch (name) {
      case "defined":
        return !(v instanceof Undefined);
      case "undefined":
        return v instanceof Undefined;
      case "none":
        return v == null;
      case "string":
        return Py.isStr(v);
      case "mapping":
        return v instanceof Map<?, ?>;
      case "iterable":
        return v instanceof List<?> || v instanceof Map<?, ?> || Py.isStr(v)
            || v instanceof Undefined;
      case "sequence":
        return v instanceof List<?> || v instanceof Map<?, ?> || Py.isStr(v);
      case "number":
        return Py.isNumber(v);
      case "integer":
        return Py.isInt(v) && !(v instanceof Boolean);
      case "float":
        return v instanceof Double;
      case "boolean":
        return v instanceof Boolean;
      case "true":
        return Boolean.TRUE.equals(v);
      case "false":
        return Boolean.FALSE.equals(v);
      case "callable":
        return v instanceof Fn;
      case "odd":
      case "even": {
        Py.checkDefined(v);
        Object m = Py.arith("%", v, 2L);
        return name.equals("odd") == Py.eq(m, 1L);
      }
      case "divisibleby":
        return Py.eq(Py.arith("%", v, args.get(0)), 0L);
      case "eq", "==", "equalto":
        return Py.eq(v, args.get(0));
      case "ne", "!=":
        return !Py.eq(v, args.get(0));
      case "gt", ">", "greaterthan":
        return Py.compare(v, args.get(0), ">") > 0;
      case "ge", ">=":
        return Py.compare(v, args.get(0), ">=") >= 0;
      case "lt", "<", "lessthan":
        return Py.compare(v, args.get(0), "<") < 0;
      case "le", "<=":
        return Py.compare(v, args.get(0), "<=") <= 0;
      case "in":
        return Py.contains(args.get(0), v);
      case "sameas":
        return v == args.get(0) || (v == null && args.get(0) == null)
            || (v instanceof Boolean && v.equals(args.get(0)));
      case "lower":
        return Py.isStr(v) && TStr.text(v).equals(TStr.text(v).toLowerCase(Locale.ROOT));
      case "upper":
        return Py.isStr(v) && TStr.text(v).equals(TStr.text(v).toUpperCase(Locale.ROOT));
      case "escaped":
        return false;
      case "filter", "test":
        return true;
      default:
        throw new JinjaException("No test named '" + name + "'.");
    }
  }

  // ---- methods

  private static final Set<String> UNSAFE_LIST = Set.of("append", "clear", "pop", "reverse",
      "insert", "sort", "extend", "remove");
  private static final Set<String> UNSAFE_DICT = Set.of("clear", "pop", "popitem", "setdefault",
      "update");

  private static Fn unsafe(String name, String type) {
    return (a, k) -> {
      throw new JinjaException("access to attribute '" + name + "' of '" + type
          + "' object is unsafe.");
    };
  }

  static Fn dictMethod(Map<?, ?> m, String name) {
    if (UNSAFE_DICT.contains(name)) {
      return unsafe(name, "dict");
    }
    return switch (name) {
      case "items" -> (a, k) -> {
        List<Object> out = new ArrayList<>();
        for (var e : m.entrySet()) {
          out.add(new Tuple(Py.list(e.getKey(), e.getValue())));
        }
        return out;
      };
      case "keys" -> (a, k) -> new ArrayList<Object>(m.keySet());
      case "values" -> (a, k) -> new ArrayList<Object>(m.values());
      case "get" -> (a, k) -> {
        Object key = Py.key(a.get(0));
        return m.containsKey(key) ? m.get(key) : (a.size() > 1 ? a.get(1) : null);
      };
      case "copy" -> (a, k) -> new LinkedHashMap<Object, Object>(m);
      default -> null;
    };
  }

  static Fn listMethod(List<?> l, String name) {
    if (UNSAFE_LIST.contains(name)) {
      return unsafe(name, l instanceof Tuple ? "tuple" : "list");
    }
    return switch (name) {
      case "index" -> (a, k) -> {
        for (int i = 0; i < l.size(); i++) {
          if (Py.eq(l.get(i), a.get(0))) {
            return (long) i;
          }
        }
        throw new JinjaException(Py.repr(a.get(0)) + " is not in list");
      };
      case "count" -> (a, k) -> {
        long n = 0;
        for (Object x : l) {
          if (Py.eq(x, a.get(0))) {
            n++;
          }
        }
        return n;
      };
      case "copy" -> (a, k) -> new ArrayList<Object>(l);
      default -> null;
    };
  }

  static Fn strMethod(Object s, String name) {
    String t = TStr.text(s);
    return switch (name) {
      case "strip" -> (a, k) -> strip(s, arg(a, k, 0, "chars", null), true, true);
      case "lstrip" -> (a, k) -> strip(s, arg(a, k, 0, "chars", null), true, false);
      case "rstrip" -> (a, k) -> strip(s, arg(a, k, 0, "chars", null), false, true);
      case "split" -> (a, k) -> split(s, arg(a, k, 0, "sep", null),
          Py.longOf(arg(a, k, 1, "maxsplit", -1L)), false);
      case "rsplit" -> (a, k) -> split(s, arg(a, k, 0, "sep", null),
          Py.longOf(arg(a, k, 1, "maxsplit", -1L)), true);
      case "splitlines" -> (a, k) -> {
        List<Object> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < t.length(); i++) {
          char c = t.charAt(i);
          if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d
              || c == 0x1e || c == 0x85 || c == 0x2028 || c == 0x2029) {
            int end = i;
            if (c == '\r' && i + 1 < t.length() && t.charAt(i + 1) == '\n') {
              i++;
            }
            out.add(TStr.substring(s, start, Py.truthy(arg(a, k, 0, "keepends", false))
                ? i + 1 : end));
            start = i + 1;
          }
        }
        if (start < t.length()) {
          out.add(TStr.substring(s, start, t.length()));
        }
        return out;
      };
      case "startswith", "endswith" -> (a, k) -> {
        Object p = a.get(0);
        List<Object> options = p instanceof Tuple tp ? tp : List.of(p);
        for (Object o : options) {
          String x = needStr(o, name + " arg");
          if (name.equals("startswith") ? t.startsWith(x) : t.endsWith(x)) {
            return true;
          }
        }
        return false;
      };
      case "replace" -> (a, k) -> replace(s, needStr(a.get(0), "replace arg"),
          needStr(a.get(1), "replace arg"), a.size() > 2 ? Py.longOf(a.get(2)) : -1);
      case "upper" -> (a, k) -> mapStr(s, x -> x.toUpperCase(Locale.ROOT));
      case "lower" -> (a, k) -> mapStr(s, x -> x.toLowerCase(Locale.ROOT));
      case "title" -> (a, k) -> TStr.wrapLike(title(t), s);
      case "capitalize" -> (a, k) -> TStr.wrapLike(capitalize(t), s);
      case "swapcase" -> (a, k) -> {
        StringBuilder sb = new StringBuilder();
        t.codePoints().forEach(c -> sb.appendCodePoint(Character.isUpperCase(c)
            ? Character.toLowerCase(c) : Character.toUpperCase(c)));
        return TStr.wrapLike(sb.toString(), s);
      };
      case "find", "index", "rfind", "rindex" -> (a, k) -> {
        String x = needStr(a.get(0), name + " arg");
        int i = name.startsWith("r") ? t.lastIndexOf(x) : t.indexOf(x);
        if (i < 0 && name.contains("index")) {
          throw new JinjaException("substring not found");
        }
        return i < 0 ? -1L : (long) t.codePointCount(0, i);
      };
      case "count" -> (a, k) -> {
        String x = needStr(a.get(0), "count arg");
        if (x.isEmpty()) {
          return (long) t.codePointCount(0, t.length()) + 1;
        }
        long n = 0;
        for (int i = t.indexOf(x); i >= 0; i = t.indexOf(x, i + x.length())) {
          n++;
        }
        return n;
      };
      case "join" -> (a, k) -> {
        List<Object> parts = new ArrayList<>();
        boolean first = true;
        for (Object x : Py.iterate(a.get(0))) {
          if (!first) {
            parts.add(s);
          }
          first = false;
          if (!Py.isStr(x)) {
            throw new JinjaException("sequence item: expected str instance, "
                + Py.typeName(x) + " found");
          }
          parts.add(x);
        }
        return TStr.concatAll(parts);
      };
      case "format" -> (a, k) -> TStr.wrapLike(format(t, a, k), s, a, k);
      case "isdigit", "isnumeric", "isdecimal" -> (a, k) -> !t.isEmpty()
          && t.codePoints().allMatch(Character::isDigit);
      case "isalpha" -> (a, k) -> !t.isEmpty() && t.codePoints().allMatch(Character::isLetter);
      case "isalnum" -> (a, k) -> !t.isEmpty()
          && t.codePoints().allMatch(Character::isLetterOrDigit);
      case "isspace" -> (a, k) -> !t.isEmpty() && t.chars().allMatch(PyText::isSpace);
      case "islower" -> (a, k) -> t.codePoints().anyMatch(Character::isLowerCase)
          && t.codePoints().noneMatch(Character::isUpperCase);
      case "isupper" -> (a, k) -> t.codePoints().anyMatch(Character::isUpperCase)
          && t.codePoints().noneMatch(Character::isLowerCase);
      case "center", "ljust", "rjust" -> (a, k) -> {
        int w = (int) Py.longOf(a.get(0));
        String fill = a.size() > 1 ? TStr.text(a.get(1)) : " ";
        int n = t.codePointCount(0, t.length());
        if (w <= n) {
          return s;
        }
        String r = switch (name) {
          case "ljust" -> t + fill.repeat(w - n);
          case "rjust" -> fill.repeat(w - n) + t;
          default -> center(t, w, fill);
        };
        return TStr.wrapLike(r, s);
      };
      case "zfill" -> (a, k) -> {
        int w = (int) Py.longOf(a.get(0));
        String sign = t.startsWith("-") || t.startsWith("+") ? t.substring(0, 1) : "";
        String body = t.substring(sign.length());
        return TStr.wrapLike(sign + "0".repeat(Math.max(0, w - t.length())) + body, s);
      };
      case "removeprefix" -> (a, k) -> {
        String p = needStr(a.get(0), "removeprefix arg");
        return t.startsWith(p) ? TStr.substring(s, p.length(), t.length()) : s;
      };
      case "removesuffix" -> (a, k) -> {
        String p = needStr(a.get(0), "removesuffix arg");
        return t.endsWith(p) && !p.isEmpty() ? TStr.substring(s, 0, t.length() - p.length()) : s;
      };
      case "partition", "rpartition" -> (a, k) -> {
        String sep = needStr(a.get(0), name + " arg");
        int i = name.equals("partition") ? t.indexOf(sep) : t.lastIndexOf(sep);
        if (i < 0) {
          return name.equals("partition") ? new Tuple(Py.list(s, "", ""))
              : new Tuple(Py.list("", "", s));
        }
        return new Tuple(Py.list(TStr.substring(s, 0, i), TStr.substring(s, i, i + sep.length()),
            TStr.substring(s, i + sep.length(), t.length())));
      };
      default -> null;
    };
  }

  static Object strip(Object s, Object chars, boolean left, boolean right) {
    String t = TStr.text(s);
    java.util.function.IntPredicate drop;
    if (chars == null || chars instanceof Undefined) {
      drop = PyText::isSpace;
    } else {
      String cs = needStr(chars, "strip arg");
      drop = c -> cs.indexOf(c) >= 0;
    }
    int from = 0;
    int to = t.length();
    if (left) {
      while (from < to && drop.test(t.charAt(from))) {
        from++;
      }
    }
    if (right) {
      while (to > from && drop.test(t.charAt(to - 1))) {
        to--;
      }
    }
    return TStr.substring(s, from, to);
  }

  static Object replace(Object s, String old, String nw, long count) {
    String t = TStr.text(s);
    if (!(s instanceof TStr)) {
      return replacePlain(t, old, nw, count);
    }
    if (old.isEmpty()) {
      return TStr.wrapLike(replacePlain(t, old, nw, count), s);
    }
    List<Object> parts = new ArrayList<>();
    int start = 0;
    long done = 0;
    for (int i = t.indexOf(old); i >= 0 && (count < 0 || done < count);
         i = t.indexOf(old, start)) {
      parts.add(TStr.substring(s, start, i));
      parts.add(TStr.wrapLike(nw, TStr.substring(s, i, i + old.length())));
      start = i + old.length();
      done++;
    }
    parts.add(TStr.substring(s, start, t.length()));
    return TStr.concatAll(parts);
  }

  private static String replacePlain(String t, String old, String nw, long count) {
    if (count < 0) {
      if (old.isEmpty()) {
        StringBuilder sb = new StringBuilder(nw);
        t.codePoints().forEach(c -> sb.appendCodePoint(c).append(nw));
        return sb.toString();
      }
      return t.replace(old, nw);
    }
    StringBuilder sb = new StringBuilder();
    int start = 0;
    long done = 0;
    if (old.isEmpty()) {
      return TStr.text(replacePlain(t, old, nw, -1));
    }
    for (int i = t.indexOf(old); i >= 0 && done < count; i = t.indexOf(old, start)) {
      sb.append(t, start, i).append(nw);
      start = i + old.length();
      done++;
    }
    return sb.append(t.substring(start)).toString();
  }

  static List<Object> split(Object s, Object sep, long maxsplit, boolean fromRight) {
    String t = TStr.text(s);
    List<Object> out = new ArrayList<>();
    if (sep == null || sep instanceof Undefined) {
      // whitespace runs, no empty parts
      List<int[]> words = new ArrayList<>();
      int i = 0;
      while (i < t.length()) {
        while (i < t.length() && PyText.isSpace(t.charAt(i))) {
          i++;
        }
        if (i >= t.length()) {
          break;
        }
        int j = i;
        while (j < t.length() && !PyText.isSpace(t.charAt(j))) {
          j++;
        }
        words.add(new int[] {i, j});
        i = j;
      }
      if (maxsplit >= 0 && words.size() > maxsplit + 1) {
        if (!fromRight) {
          int restStart = words.get((int) maxsplit)[0];
          for (int w = 0; w < maxsplit; w++) {
            out.add(TStr.substring(s, words.get(w)[0], words.get(w)[1]));
          }
          out.add(TStr.substring(s, restStart, t.length()));
        } else {
          int keep = words.size() - (int) maxsplit;
          out.add(TStr.substring(s, 0, words.get(keep - 1)[1]));
          for (int w = keep; w < words.size(); w++) {
            out.add(TStr.substring(s, words.get(w)[0], words.get(w)[1]));
          }
        }
        return out;
      }
      for (int[] w : words) {
        out.add(TStr.substring(s, w[0], w[1]));
      }
      return out;
    }
    String sp = needStr(sep, "sep");
    if (sp.isEmpty()) {
      throw new JinjaException("empty separator");
    }
    List<Integer> cuts = new ArrayList<>();
    if (!fromRight) {
      for (int i = t.indexOf(sp); i >= 0 && (maxsplit < 0 || cuts.size() < maxsplit);
           i = t.indexOf(sp, i + sp.length())) {
        cuts.add(i);
      }
    } else {
      for (int i = t.lastIndexOf(sp); i >= 0 && (maxsplit < 0 || cuts.size() < maxsplit);
           i = i - sp.length() < 0 ? -1 : t.lastIndexOf(sp, i - sp.length())) {
        cuts.add(0, i);
      }
    }
    int start = 0;
    for (int c : cuts) {
      out.add(TStr.substring(s, start, c));
      start = c + sp.length();
    }
    out.add(TStr.substring(s, start, t.length()));
    return out;
  }

  /** Python's str.format for {}, {0}, {name} and {name.attr}-free fields without conversions. */
  private static String format(String fmt, List<Object> args, Map<String, Object> kw) {
    StringBuilder sb = new StringBuilder();
    int auto = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c == '{') {
        if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
          sb.append('{');
          i++;
          continue;
        }
        int close = fmt.indexOf('}', i);
        if (close < 0) {
          throw new JinjaException("Single '{' encountered in format string");
        }
        String field = fmt.substring(i + 1, close);
        String spec = "";
        int colon = field.indexOf(':');
        if (colon >= 0) {
          spec = field.substring(colon + 1);
          field = field.substring(0, colon);
        }
        Object v;
        if (field.isEmpty()) {
          v = args.get(auto++);
        } else if (field.chars().allMatch(Character::isDigit)) {
          v = args.get(Integer.parseInt(field));
        } else {
          if (!kw.containsKey(field)) {
            throw new JinjaException("KeyError: '" + field + "'");
          }
          v = kw.get(field);
        }
        if (!spec.isEmpty()) {
          throw new JinjaException("format spec '" + spec + "' is not supported");
        }
        sb.append(Py.text(v));
        i = close;
      } else if (c == '}') {
        if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
          i++;
        }
        sb.append('}');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
