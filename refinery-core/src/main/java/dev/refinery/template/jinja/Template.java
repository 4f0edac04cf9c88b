package dev.refinery.template.jinja;

import dev.refinery.template.jinja.Py.Fn;
import dev.refinery.template.jinja.Py.NamedFn;
import dev.refinery.template.jinja.Py.Namespace;
import dev.refinery.template.jinja.Py.Undefined;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** A parsed template and the globals transformers gives chat templates. */
final class Template {
  final List<Node> body;
  private final Supplier<ZonedDateTime> clock;

  Template(String source, Supplier<ZonedDateTime> clock) {
    this.body = Parser.parse(source);
    this.clock = clock;
  }

  /** Renders with {@code vars}; {@code messageIndex} maps message dicts to their index. */
  Interp.Out render(Map<String, Object> vars, IdentityHashMap<Object, Integer> messageIndex) {
    Interp in = new Interp(messageIndex);
    Interp.Frame globals = new Interp.Frame(null);
    globals.vars.putAll(globals());
    Interp.Frame root = new Interp.Frame(globals);
    root.vars.putAll(vars);
    return in.run(body, root);
  }

  String renderText(Map<String, Object> vars) {
    return render(vars, new IdentityHashMap<>()).sb.toString();
  }

  private Map<String, Object> globals() {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("raise_exception", new NamedFn("raise_exception", (a, k) -> {
      throw new JinjaException(a.isEmpty() ? "raise_exception called" : Py.text(a.get(0)), true);
    }));
    g.put("strftime_now", new NamedFn("strftime_now",
        (a, k) -> Strftime.format(Py.text(a.get(0)), clock.get())));
    g.put("range", new NamedFn("range", Template::range));
    g.put("dict", new NamedFn("dict", Template::dict));
    g.put("namespace", new NamedFn("namespace", (a, k) -> {
      Namespace ns = new Namespace();
      if (!a.isEmpty() && a.get(0) instanceof Map<?, ?> src) {
        for (var e : src.entrySet()) {
          ns.attrs.put(Py.text(e.getKey()), e.getValue());
        }
      }
      ns.attrs.putAll(k);
      return ns;
    }));
    g.put("cycler", new NamedFn("cycler", (a, k) -> {
      List<Object> items = new ArrayList<>(a);
      int[] pos = {0};
      Map<Object, Object> c = new LinkedHashMap<>();
      c.put("next", (Fn) (x, y) -> items.get(pos[0]++ % items.size()));
      c.put("reset", (Fn) (x, y) -> {
        pos[0] = 0;
        return null;
      });
      return c;
    }));
    g.put("joiner", new NamedFn("joiner", (a, k) -> {
      Object sep = a.isEmpty() ? ", " : a.get(0);
      boolean[] used = {false};
      return (Fn) (x, y) -> {
        if (!used[0]) {
          used[0] = true;
          return "";
        }
        return sep;
      };
    }));
    return g;
  }

  static Object dict(List<Object> a, Map<String, Object> k) {
    Map<Object, Object> m = new LinkedHashMap<>();
    if (!a.isEmpty() && a.get(0) instanceof Map<?, ?> src) {
      m.putAll(src);
    }
    m.putAll(k);
    return m;
  }

  static Object range(List<Object> a, Map<String, Object> k) {
    for (Object x : a) {
      if (x instanceof Undefined u) {
        throw u.error();
      }
      if (!Py.isInt(x)) {
        throw new JinjaException("'" + Py.typeName(x) + "' object cannot be interpreted as an"
            + " integer");
      }
    }
    long start = 0;
    long stop;
    long step = 1;
    if (a.size() == 1) {
      stop = Py.longOf(a.get(0));
    } else if (a.size() >= 2) {
      start = Py.longOf(a.get(0));
      stop = Py.longOf(a.get(1));
      if (a.size() > 2) {
        step = Py.longOf(a.get(2));
      }
    } else {
      throw new JinjaException("range expected at least 1 argument, got 0");
    }
    if (step == 0) {
      throw new JinjaException("range() arg 3 must not be zero");
    }
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.add(i);
      if (out.size() > 100_000) {
        throw new JinjaException("Range too big. The sandbox blocks ranges larger than"
            + " MAX_RANGE (100000).");
      }
    }
    return out;
  }

  /** Python's strftime for the directives chat templates use. */
  static final class Strftime {
    private Strftime() {}

    static String format(String fmt, ZonedDateTime t) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < fmt.length(); i++) {
        char c = fmt.charAt(i);
        if (c != '%' || i + 1 >= fmt.length()) {
          sb.append(c);
          continue;
        }
        char d = fmt.charAt(++i);
        switch (d) {
          case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
          case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
          case 'Y' -> sb.append(t.getYear());
          case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
          case 'H' -> sb.append(String.format("%02d", t.getHour()));
          case 'I' -> sb.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
          case 'M' -> sb.append(String.format("%02d", t.getMinute()));
          case 'S' -> sb.append(String.format("%02d", t.getSecond()));
          case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
          case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
          case 'b' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
          case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
          case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
          case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
          case '%' -> sb.append('%');
          default -> sb.append('%').append(d);
        }
      }
      return sb.toString();
    }
  }
}
