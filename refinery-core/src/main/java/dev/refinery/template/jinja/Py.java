package dev.refinery.template.jinja;

import java.math.BigInteger;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python value semantics over plain Java values: None is null, bool Boolean, int Long (BigInteger
 * beyond 64 bits), float Double, str String or {@link TStr}, list List, tuple {@link Tuple}, dict
 * Map with String keys, plus Jinja's {@link Undefined}, {@link Namespace} and callables.
 */
final class Py {
  private Py() {}

  /** Jinja2's default Undefined: prints empty, is falsy, iterates empty, fails most operations. */
  static final class Undefined {
    final String name;
    final String hint;

    Undefined(String name, String hint) {
      this.name = name;
      this.hint = hint;
    }

    JinjaException error() {
      return new JinjaException(hint != null ? hint : "'" + name + "' is undefined");
    }
  }

  /** A Python tuple: an immutable list that prints with parentheses. */
  static final class Tuple extends AbstractList<Object> {
    final Object[] items;

    Tuple(List<?> items) {
      this.items = items.toArray();
    }

    @Override
    public Object get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }
  }

  /** Jinja's namespace(): the one object whose attributes a template may assign. */
  static final class Namespace {
    final Map<String, Object> attrs = new LinkedHashMap<>();
  }

  /** Something a template can call: a global, a bound method, a macro. */
  interface Fn {
    Object call(List<Object> args, Map<String, Object> kwargs);
  }

  /** A named callable (prints like Python's repr of a function). */
  record NamedFn(String name, Fn fn) implements Fn {
    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
      return fn.call(args, kwargs);
    }
  }

  static boolean isStr(Object o) {
    return o instanceof String || o instanceof TStr;
  }

  static boolean isInt(Object o) {
    return o instanceof Long || o instanceof BigInteger || o instanceof Boolean
        || o instanceof Integer;
  }

  static boolean isNumber(Object o) {
    return isInt(o) || o instanceof Double;
  }

  static boolean isSeq(Object o) {
    return o instanceof List<?>;
  }

  static String typeName(Object o) {
    if (o == null) {
      return "NoneType";
    }
    if (o instanceof Boolean) {
      return "bool";
    }
    if (isInt(o)) {
      return "int";
    }
    if (o instanceof Double) {
      return "float";
    }
    if (isStr(o)) {
      return "str";
    }
    if (o instanceof Tuple) {
      return "tuple";
    }
    if (o instanceof List<?>) {
      return "list";
    }
    if (o instanceof Map<?, ?>) {
      return "dict";
    }
    if (o instanceof Undefined) {
      return "Undefined";
    }
    if (o instanceof Namespace) {
      return "Namespace";
    }
    if (o instanceof Interp.Loop) {
      return "LoopContext";
    }
    if (o instanceof Fn) {
      return "function";
    }
    return o.getClass().getSimpleName();
  }

  static boolean truthy(Object o) {
    if (o == null || o instanceof Undefined) {
      return false;
    }
    if (o instanceof Boolean b) {
      return b;
    }
    if (o instanceof Long l) {
      return l != 0;
    }
    if (o instanceof Integer i) {
      return i != 0;
    }
    if (o instanceof BigInteger b) {
      return b.signum() != 0;
    }
    if (o instanceof Double d) {
      return d != 0;
    }
    if (o instanceof CharSequence s) {
      return s.length() > 0;
    }
    if (o instanceof List<?> l) {
      return !l.isEmpty();
    }
    if (o instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /** Python's str(): keeps a string's taint; containers holding tainted text are tainted whole. */
  static Object str(Object o) {
    if (isStr(o)) {
      return o;
    }
    if (o instanceof Undefined) {
      return "";
    }
    String s = repr(o, false);
    return o instanceof List<?> || o instanceof Map<?, ?> ? TStr.wrapLike(s, o) : s;
  }

  static String text(Object o) {
    return TStr.text(str(o));
  }

  static String repr(Object o) {
    return repr(o, true);
  }

  private static String repr(Object o, boolean quote) {
    if (o == null) {
      return "None";
    }
    if (o instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (o instanceof Double d) {
      return PyText.floatRepr(d);
    }
    if (isInt(o)) {
      return o.toString();
    }
    if (isStr(o)) {
      return quote ? PyText.strRepr(TStr.text(o)) : TStr.text(o);
    }
    if (o instanceof Undefined) {
      return quote ? "Undefined" : "";
    }
    if (o instanceof Tuple t) {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < t.items.length; i++) {
        sb.append(i > 0 ? ", " : "").append(repr(t.items[i], true));
      }
      return sb.append(t.items.length == 1 ? ",)" : ")").toString();
    }
    if (o instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(repr(l.get(i), true));
      }
      return sb.append(']').toString();
    }
    if (o instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (var e : m.entrySet()) {
        sb.append(first ? "" : ", ").append(repr(e.getKey(), true)).append(": ")
            .append(repr(e.getValue(), true));
        first = false;
      }
      return sb.append('}').toString();
    }
    if (o instanceof Namespace ns) {
      return "<Namespace " + repr(ns.attrs, true) + ">";
    }
    if (o instanceof NamedFn f) {
      return "<function " + f.name() + ">";
    }
    return String.valueOf(o);
  }

  // ---- numbers

  static BigInteger big(Object o) {
    if (o instanceof BigInteger b) {
      return b;
    }
    return BigInteger.valueOf(longOf(o));
  }

  static long longOf(Object o) {
    if (o instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) o).longValue();
  }

  static double dbl(Object o) {
    if (o instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) o).doubleValue();
  }

  static Object norm(BigInteger b) {
    return b.bitLength() < 64 ? (Object) b.longValue() : b;
  }

  static JinjaException typeError(String msg) {
    return new JinjaException(msg);
  }

  static void checkDefined(Object... vals) {
    for (Object v : vals) {
      if (v instanceof Undefined u) {
        throw u.error();
      }
    }
  }

  static Object add(Object a, Object b) {
    checkDefined(a, b);
    if (isNumber(a) && isNumber(b)) {
      if (a instanceof Double || b instanceof Double) {
        return dbl(a) + dbl(b);
      }
      return norm(big(a).add(big(b)));
    }
    if (isStr(a) && isStr(b)) {
      return TStr.concat(a, b);
    }
    if (a instanceof Tuple x && b instanceof Tuple y) {
      List<Object> l = new ArrayList<>(x);
      l.addAll(y);
      return new Tuple(l);
    }
    if (a instanceof List<?> x && b instanceof List<?> y && !(a instanceof Tuple)
        && !(b instanceof Tuple)) {
      List<Object> l = new ArrayList<>(x);
      l.addAll(y);
      return l;
    }
    if (isStr(a)) {
      throw typeError("can only concatenate str (not \"" + typeName(b) + "\") to str");
    }
    if (a instanceof List<?> && !(a instanceof Tuple)) {
      throw typeError("can only concatenate list (not \"" + typeName(b) + "\") to list");
    }
    throw binError("+", a, b);
  }

  static JinjaException binError(String op, Object a, Object b) {
    return typeError("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '"
        + typeName(b) + "'");
  }

  static Object arith(String op, Object a, Object b) {
    if (op.equals("+")) {
      return add(a, b);
    }
    checkDefined(a, b);
    if (op.equals("*")) {
      if (isStr(a) && isInt(b)) {
        return TStr.wrapLike(TStr.text(a).repeat((int) Math.max(0, longOf(b))), a);
      }
      if (isInt(a) && isStr(b)) {
        return arith("*", b, a);
      }
      if (a instanceof List<?> l && isInt(b)) {
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < longOf(b); i++) {
          out.addAll(l);
        }
        return a instanceof Tuple ? new Tuple(out) : out;
      }
    }
    if (op.equals("%") && isStr(a)) {
      return TStr.wrapLike(Printf.format(TStr.text(a), b), a, b);
    }
    if (!isNumber(a) || !isNumber(b)) {
      throw binError(op, a, b);
    }
    boolean fl = a instanceof Double || b instanceof Double;
    switch (op) {
      case "-":
        return fl ? (Object) (dbl(a) - dbl(b)) : norm(big(a).subtract(big(b)));
      case "*":
        return fl ? (Object) (dbl(a) * dbl(b)) : norm(big(a).multiply(big(b)));
      case "/": {
        if (dbl(b) == 0) {
          throw typeError(fl ? "float division by zero" : "division by zero");
        }
        if (!fl && a instanceof Long x && b instanceof Long y) {
          return (double) x / (double) y;
        }
        return dbl(a) / dbl(b);
      }
      case "//": {
        if (dbl(b) == 0) {
          throw typeError(fl ? "float floor division by zero"
              : "integer division or modulo by zero");
        }
        if (fl) {
          return Math.floor(dbl(a) / dbl(b));
        }
        BigInteger[] qr = big(a).divideAndRemainder(big(b));
        BigInteger q = qr[0];
        if (qr[1].signum() != 0 && (qr[1].signum() != big(b).signum())) {
          q = q.subtract(BigInteger.ONE);
        }
        return norm(q);
      }
      case "%": {
        if (dbl(b) == 0) {
          throw typeError(fl ? "float modulo" : "integer division or modulo by zero");
        }
        if (fl) {
          double x = dbl(a);
          double y = dbl(b);
          double m = x % y;
          if (m != 0 && ((m < 0) != (y < 0))) {
            m += y;
          }
          return m;
        }
        BigInteger m = big(a).mod(big(b).abs());
        if (big(b).signum() < 0 && m.signum() != 0) {
          m = m.add(big(b));
        }
        return norm(m);
      }
      case "**": {
        if (!fl && big(b).signum() >= 0) {
          if (big(b).bitLength() > 20) {
            throw typeError("exponent too large");
          }
          return norm(big(a).pow(big(b).intValue()));
        }
        return Math.pow(dbl(a), dbl(b));
      }
      default:
        throw typeError("unknown operator " + op);
    }
  }

  static Object negate(Object a) {
    checkDefined(a);
    if (a instanceof Double d) {
      return -d;
    }
    if (isInt(a)) {
      return norm(big(a).negate());
    }
    throw typeError("bad operand type for unary -: '" + typeName(a) + "'");
  }

  // ---- comparisons

  static boolean eq(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined;
    }
    if (a == null || b == null) {
      return false;
    }
    if (isNumber(a) && isNumber(b)) {
      if (a instanceof Double || b instanceof Double) {
        return dbl(a) == dbl(b);
      }
      return big(a).equals(big(b));
    }
    if (isStr(a) && isStr(b)) {
      return TStr.text(a).equals(TStr.text(b));
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if ((a instanceof Tuple) != (b instanceof Tuple) || x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (var e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  static int compare(Object a, Object b, String op) {
    checkDefined(a, b);
    if (isNumber(a) && isNumber(b)) {
      if (a instanceof Double || b instanceof Double) {
        return Double.compare(dbl(a), dbl(b)) == 0 ? 0 : dbl(a) < dbl(b) ? -1 : 1;
      }
      return big(a).compareTo(big(b));
    }
    if (isStr(a) && isStr(b)) {
      return Integer.signum(compareCodePoints(TStr.text(a), TStr.text(b)));
    }
    if (a instanceof List<?> x && b instanceof List<?> y
        && (a instanceof Tuple) == (b instanceof Tuple)) {
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return compare(x.get(i), y.get(i), op);
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    throw typeError("'" + op + "' not supported between instances of '" + typeName(a)
        + "' and '" + typeName(b) + "'");
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  static boolean contains(Object container, Object item) {
    if (container instanceof Undefined) {
      return false;
    }
    checkDefined(item);
    if (isStr(container)) {
      if (!isStr(item)) {
        throw typeError("'in <string>' requires string as left operand, not " + typeName(item));
      }
      return TStr.text(container).contains(TStr.text(item));
    }
    if (container instanceof List<?> l) {
      for (Object x : l) {
        if (eq(x, item)) {
          return true;
        }
      }
      return false;
    }
    if (container instanceof Map<?, ?> m) {
      return m.containsKey(key(item));
    }
    throw typeError("argument of type '" + typeName(container) + "' is not iterable");
  }

  /** A dict key as stored: strings untainted. */
  static Object key(Object k) {
    if (k instanceof TStr t) {
      return t.text;
    }
    if (k instanceof Integer i) {
      return (long) i;
    }
    return k;
  }

  // ---- iteration and length

  static List<Object> iterate(Object o) {
    if (o instanceof Undefined) {
      return List.of();
    }
    if (o instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    if (o instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (isStr(o)) {
      String s = TStr.text(o);
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < s.length(); ) {
        int n = Character.charCount(s.codePointAt(i));
        out.add(TStr.substring(o, i, i + n));
        i += n;
      }
      return out;
    }
    throw typeError("'" + typeName(o) + "' object is not iterable");
  }

  static long len(Object o) {
    if (o instanceof Undefined) {
      return 0;
    }
    if (isStr(o)) {
      String s = TStr.text(o);
      return s.codePointCount(0, s.length());
    }
    if (o instanceof List<?> l) {
      return l.size();
    }
    if (o instanceof Map<?, ?> m) {
      return m.size();
    }
    if (o instanceof Namespace) {
      throw typeError("object of type 'Namespace' has no len()");
    }
    throw typeError("object of type '" + typeName(o) + "' has no len()");
  }

  // ---- item access and slicing

  /** {@code obj[key]} as Jinja's sandboxed getitem: missing keys and bad indexes are undefined. */
  static Object getItem(Object obj, Object key, Interp in) {
    if (obj instanceof Undefined u) {
      throw u.error();
    }
    if (obj instanceof Map<?, ?> m) {
      Object k = key(key);
      if (m.containsKey(k)) {
        return m.get(k);
      }
      if (isStr(key)) {
        return in.getAttr(obj, TStr.text(key), false);
      }
      return new Undefined(null, "'dict object' has no attribute " + repr(key));
    }
    if (obj instanceof List<?> l || isStr(obj)) {
      if (isInt(key)) {
        long i = longOf(key);
        if (isStr(obj)) {
          String s = TStr.text(obj);
          int n = s.codePointCount(0, s.length());
          if (i < 0) {
            i += n;
          }
          if (i < 0 || i >= n) {
            return new Undefined(null, "string index out of range");
          }
          int from = s.offsetByCodePoints(0, (int) i);
          return TStr.substring(obj, from, s.offsetByCodePoints(from, 1));
        }
        List<?> list = (List<?>) obj;
        if (i < 0) {
          i += list.size();
        }
        if (i < 0 || i >= list.size()) {
          return new Undefined(null, typeName(obj) + " object has no element " + key);
        }
        return list.get((int) i);
      }
      if (isStr(key)) {
        return in.getAttr(obj, TStr.text(key), false);
      }
      return new Undefined(null, typeName(obj) + " indices must be integers");
    }
    if (obj instanceof Namespace || obj instanceof Interp.Loop) {
      return isStr(key) ? in.getAttr(obj, TStr.text(key), false)
          : new Undefined(null, "not subscriptable");
    }
    return new Undefined(null, "'" + typeName(obj) + "' object is not subscriptable");
  }

  static Object slice(Object obj, Object start, Object stop, Object step) {
    if (obj instanceof Undefined u) {
      throw u.error();
    }
    long st = step == null ? 1 : sliceIndex(step);
    if (st == 0) {
      throw typeError("slice step cannot be zero");
    }
    boolean isStr = isStr(obj);
    int n;
    String s = null;
    if (isStr) {
      s = TStr.text(obj);
      n = s.codePointCount(0, s.length());
    } else if (obj instanceof List<?> l) {
      n = l.size();
    } else {
      return new Undefined(null, "'" + typeName(obj) + "' object is not subscriptable");
    }
    long lo;
    long hi;
    if (st > 0) {
      lo = start == null ? 0 : clamp(sliceIndex(start), n, 0, n);
      hi = stop == null ? n : clamp(sliceIndex(stop), n, 0, n);
    } else {
      lo = start == null ? n - 1 : clamp(sliceIndex(start), n, -1, n - 1);
      hi = stop == null ? -1 : clamp(sliceIndex(stop), n, -1, n - 1);
    }
    List<Integer> idx = new ArrayList<>();
    for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
      idx.add((int) i);
    }
    if (isStr) {
      if (st == 1) {
        if (idx.isEmpty()) {
          int at = s.offsetByCodePoints(0, (int) Math.min(lo, n));
          return TStr.substring(obj, at, at);
        }
        int from = s.offsetByCodePoints(0, idx.get(0));
        int to = s.offsetByCodePoints(0, idx.get(idx.size() - 1) + 1);
        return TStr.substring(obj, from, to);
      }
      StringBuilder sb = new StringBuilder();
      int[] cps = s.codePoints().toArray();
      for (int i : idx) {
        sb.appendCodePoint(cps[i]);
      }
      return TStr.wrapLike(sb.toString(), obj);
    }
    List<?> l = (List<?>) obj;
    List<Object> out = new ArrayList<>();
    for (int i : idx) {
      out.add(l.get(i));
    }
    return obj instanceof Tuple ? new Tuple(out) : out;
  }

  private static long sliceIndex(Object o) {
    if (!isInt(o)) {
      throw typeError("slice indices must be integers or None");
    }
    return longOf(o);
  }

  private static long clamp(long i, int n, long min, long max) {
    if (i < 0) {
      i += n;
    }
    return Math.max(min, Math.min(max, i));
  }

  static Iterator<Object> iter(Object o) {
    return iterate(o).iterator();
  }

  static List<Object> list(Object... xs) {
    return new ArrayList<>(Arrays.asList(xs));
  }
}
