package dev.refinery.template.jinja;

import dev.refinery.template.jinja.Py.Fn;
import dev.refinery.template.jinja.Py.Namespace;
import dev.refinery.template.jinja.Py.Tuple;
import dev.refinery.template.jinja.Py.Undefined;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a parsed template. Output is recorded with provenance: which message a for loop had bound
 * when each piece was written, and which characters came from a message's own fields (taint),
 * so that segments can be derived from the render itself.
 */
final class Interp {
  static final int MAX_STEPS = 5_000_000;
  static final int MAX_DEPTH = 200;
  static final int MAX_OUTPUT = 200 << 20;

  /** A run of output written while {@code message} (or -1) was the bound loop message. */
  record Run(int start, int end, int message) {}

  /** The output being written: text, taint spans, runs, generation spans. */
  static final class Out {
    final StringBuilder sb = new StringBuilder();
    final List<TStr.Span> taint = new ArrayList<>();
    final List<Run> runs = new ArrayList<>();
    final List<int[]> generation = new ArrayList<>();

    void write(Object value, int message) {
      String t = TStr.text(value);
      int at = sb.length();
      for (TStr.Span s : TStr.spansOf(value)) {
        taint.add(new TStr.Span(s.start() + at, s.end() + at, s.owner()));
      }
      if (t.isEmpty()) {
        return;
      }
      sb.append(t);
      if (sb.length() > MAX_OUTPUT) {
        throw new JinjaException("output exceeds " + MAX_OUTPUT + " characters");
      }
      if (!runs.isEmpty() && runs.get(runs.size() - 1).message == message
          && runs.get(runs.size() - 1).end == at) {
        Run last = runs.remove(runs.size() - 1);
        runs.add(new Run(last.start, sb.length(), message));
      } else {
        runs.add(new Run(at, sb.length(), message));
      }
    }

    Object value() {
      return TStr.make(sb.toString(), taint);
    }
  }

  /** Variables of one scope; lookups fall back to the parent. */
  static final class Frame {
    final Map<String, Object> vars = new HashMap<>();
    final Frame parent;

    Frame(Frame parent) {
      this.parent = parent;
    }

    Object lookup(String name) {
      for (Frame f = this; f != null; f = f.parent) {
        if (f.vars.containsKey(name)) {
          return f.vars.get(name);
        }
      }
      return new Undefined(name, null);
    }
  }

  /** The {@code loop} variable. */
  static final class Loop {
    final List<Object> items;
    int index0;

    Loop(List<Object> items) {
      this.items = items;
    }
  }

  private static final class BreakSignal extends RuntimeException {
    BreakSignal() {
      super(null, null, false, false);
    }
  }

  private static final class ContinueSignal extends RuntimeException {
    ContinueSignal() {
      super(null, null, false, false);
    }
  }

  /** A macro bound to the frame it was defined in. */
  final class Macro implements Fn {
    final Node.Macro def;
    final Frame closure;
    Object caller;

    Macro(Node.Macro def, Frame closure) {
      this.def = def;
      this.closure = closure;
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
      if (args.size() > def.params().size()) {
        throw new JinjaException("macro '" + def.name() + "' takes not more than "
            + def.params().size() + " argument(s)");
      }
      if (++depth > MAX_DEPTH) {
        throw new JinjaException("recursion too deep in macro '" + def.name() + "'");
      }
      try {
        Frame f = new Frame(closure);
        int firstDefault = def.params().size() - def.defaults().size();
        for (int i = 0; i < def.params().size(); i++) {
          String p = def.params().get(i);
          Object v;
          if (i < args.size()) {
            v = args.get(i);
          } else if (kwargs.containsKey(p)) {
            v = kwargs.get(p);
          } else if (i >= firstDefault) {
            v = eval(def.defaults().get(i - firstDefault), f);
          } else {
            v = new Undefined(p, "parameter '" + p + "' was not provided");
          }
          f.vars.put(p, v);
        }
        for (String k : kwargs.keySet()) {
          if (!def.params().contains(k) && !k.equals("caller")) {
            throw new JinjaException("macro '" + def.name() + "' takes no keyword argument '"
                + k + "'");
          }
        }
        f.vars.put("caller", kwargs.containsKey("caller") ? kwargs.get("caller")
            : new Undefined("caller", null));
        Out saved = out;
        out = new Out();
        try {
          execAll(def.body(), f);
          return out.value();
        } finally {
          out = saved;
        }
      } finally {
        depth--;
      }
    }
  }

  Out out = new Out();
  private final IdentityHashMap<Object, Integer> messageIndex;
  private int currentMessage = -1;
  private int steps;
  private int depth;
  private int line;

  Interp(IdentityHashMap<Object, Integer> messageIndex) {
    this.messageIndex = messageIndex;
  }

  /** Renders {@code body} with the given root frame; errors carry the template line. */
  Out run(List<Node> body, Frame root) {
    try {
      execAll(body, root);
    } catch (BreakSignal | ContinueSignal e) {
      throw new JinjaException("'break'/'continue' outside a loop");
    } catch (JinjaException e) {
      String m = e.getMessage();
      if (m.startsWith("line ") || e.raisedByTemplate) {
        throw e;
      }
      throw new JinjaException("line " + line + ": " + m);
    } catch (StackOverflowError e) {
      throw new JinjaException("line " + line + ": recursion too deep");
    }
    return out;
  }

  private void step(Node n) {
    line = n.line();
    if (++steps > MAX_STEPS) {
      throw new JinjaException("template ran more than " + MAX_STEPS + " steps");
    }
  }

  void execAll(List<Node> body, Frame f) {
    for (Node n : body) {
      exec(n, f);
    }
  }

  private void exec(Node n, Frame f) {
    step(n);
    if (n instanceof Node.Text t) {
      out.write(t.text(), currentMessage);
    } else if (n instanceof Node.Print p) {
      out.write(Py.str(eval(p.expr(), f)), currentMessage);
    } else if (n instanceof Node.If s) {
      for (int i = 0; i < s.conditions().size(); i++) {
        if (Py.truthy(eval(s.conditions().get(i), f))) {
          execAll(s.bodies().get(i), f);
          return;
        }
      }
      execAll(s.otherwise(), f);
    } else if (n instanceof Node.For s) {
      execFor(s, f);
    } else if (n instanceof Node.Set s) {
      assign(s.target(), eval(s.value(), f), f);
    } else if (n instanceof Node.SetBlock s) {
      Object v = capture(s.body(), f);
      for (Node.FilterCall fc : s.filters()) {
        v = applyFilter(v, fc, f);
      }
      assign(s.target(), v, f);
    } else if (n instanceof Node.Macro m) {
      f.vars.put(m.name(), new Macro(m, f));
    } else if (n instanceof Node.CallBlock c) {
      Node.Macro body = new Node.Macro("caller", c.params(), c.defaults(), c.body(), c.line());
      Node.Call call = (Node.Call) c.call();
      Object fn = eval(call.fn(), f);
      List<Object> args = new ArrayList<>();
      for (Node a : call.args()) {
        args.add(eval(a, f));
      }
      Map<String, Object> kw = new LinkedHashMap<>();
      for (int i = 0; i < call.kwNames().size(); i++) {
        kw.put(call.kwNames().get(i), eval(call.kwValues().get(i), f));
      }
      kw.put("caller", new Macro(body, f));
      out.write(Py.str(callValue(fn, args, kw)), currentMessage);
    } else if (n instanceof Node.FilterBlock fb) {
      Object v = capture(fb.body(), f);
      for (Node.FilterCall fc : fb.filters()) {
        v = applyFilter(v, fc, f);
      }
      out.write(Py.str(v), currentMessage);
    } else if (n instanceof Node.Generation g) {
      int start = out.sb.length();
      execAll(g.body(), f);
      out.generation.add(new int[] {start, out.sb.length()});
    } else if (n instanceof Node.Break) {
      throw new BreakSignal();
    } else if (n instanceof Node.Continue) {
      throw new ContinueSignal();
    } else {
      throw new JinjaException("cannot execute " + n.getClass().getSimpleName());
    }
  }

  private Object capture(List<Node> body, Frame f) {
    Out saved = out;
    out = new Out();
    try {
      execAll(body, f);
      return out.value();
    } finally {
      out = saved;
    }
  }

  private void execFor(Node.For s, Frame f) {
    Object iterable = eval(s.iter(), f);
    if (iterable == null) {
      throw new JinjaException("'NoneType' object is not iterable");
    }
    List<Object> items = Py.iterate(iterable);
    if (s.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        Frame ff = new Frame(f);
        assign(s.target(), item, ff);
        if (Py.truthy(eval(s.filter(), ff))) {
          kept.add(item);
        }
      }
      items = kept;
    }
    if (items.isEmpty()) {
      execAll(s.otherwise(), f);
      return;
    }
    Loop loop = new Loop(items);
    int savedMessage = currentMessage;
    try {
      for (int i = 0; i < items.size(); i++) {
        loop.index0 = i;
        Frame ff = new Frame(f);
        Object item = items.get(i);
        assign(s.target(), item, ff);
        ff.vars.put("loop", loop);
        Integer mi = messageIndex.get(item);
        currentMessage = mi != null ? mi : savedMessage;
        try {
          execAll(s.body(), ff);
        } catch (ContinueSignal c) {
          // next iteration
        } catch (BreakSignal b) {
          break;
        }
      }
    } finally {
      currentMessage = savedMessage;
    }
  }

  private void assign(Node target, Object value, Frame f) {
    if (target instanceof Node.Name n) {
      f.vars.put(n.name(), value);
    } else if (target instanceof Node.Attr a) {
      Object ns = eval(a.obj(), f);
      if (!(ns instanceof Namespace namespace)) {
        throw new JinjaException("cannot assign attribute on non-namespace object");
      }
      namespace.attrs.put(a.name(), value);
    } else if (target instanceof Node.TupleLit t) {
      List<Object> vals = Py.iterate(value);
      if (vals.size() != t.items().size()) {
        throw new JinjaException((vals.size() < t.items().size() ? "not enough" : "too many")
            + " values to unpack (expected " + t.items().size() + ", got " + vals.size() + ")");
      }
      for (int i = 0; i < vals.size(); i++) {
        assign(t.items().get(i), vals.get(i), f);
      }
    } else {
      throw new JinjaException("cannot assign to " + target.getClass().getSimpleName());
    }
  }

  // ---- expressions

  Object eval(Node n, Frame f) {
    if (n instanceof Node.Const c) {
      return c.value();
    }
    step(n);
    if (n instanceof Node.Name v) {
      return f.lookup(v.name());
    }
    if (n instanceof Node.Attr a) {
      return getAttr(eval(a.obj(), f), a.name(), true);
    }
    if (n instanceof Node.Item it) {
      return Py.getItem(eval(it.obj(), f), eval(it.key(), f), this);
    }
    if (n instanceof Node.Slice s) {
      Object obj = eval(s.obj(), f);
      return Py.slice(obj, optional(s.start(), f), optional(s.stop(), f), optional(s.step(), f));
    }
    if (n instanceof Node.Binary b) {
      if (b.op().equals("and")) {
        Object l = eval(b.left(), f);
        return Py.truthy(l) ? eval(b.right(), f) : l;
      }
      if (b.op().equals("or")) {
        Object l = eval(b.left(), f);
        return Py.truthy(l) ? l : eval(b.right(), f);
      }
      return Py.arith(b.op(), eval(b.left(), f), eval(b.right(), f));
    }
    if (n instanceof Node.Unary u) {
      Object v = eval(u.operand(), f);
      return switch (u.op()) {
        case "not" -> !Py.truthy(v);
        case "-" -> Py.negate(v);
        default -> {
          Py.checkDefined(v);
          if (!Py.isNumber(v)) {
            throw new JinjaException("bad operand type for unary +: '" + Py.typeName(v) + "'");
          }
          yield v instanceof Boolean b ? (Object) (b ? 1L : 0L) : v;
        }
      };
    }
    if (n instanceof Node.Compare c) {
      Object left = eval(c.first(), f);
      for (int i = 0; i < c.ops().size(); i++) {
        Object right = eval(c.rest().get(i), f);
        boolean ok = switch (c.ops().get(i)) {
          case "==" -> Py.eq(left, right);
          case "!=" -> !Py.eq(left, right);
          case "<" -> Py.compare(left, right, "<") < 0;
          case "<=" -> Py.compare(left, right, "<=") <= 0;
          case ">" -> Py.compare(left, right, ">") > 0;
          case ">=" -> Py.compare(left, right, ">=") >= 0;
          case "in" -> Py.contains(right, left);
          default -> !Py.contains(right, left);
        };
        if (!ok) {
          return false;
        }
        left = right;
      }
      return true;
    }
    if (n instanceof Node.Concat c) {
      List<Object> parts = new ArrayList<>();
      for (Node p : c.parts()) {
        parts.add(Py.str(eval(p, f)));
      }
      return TStr.concatAll(parts);
    }
    if (n instanceof Node.Cond c) {
      if (Py.truthy(eval(c.test(), f))) {
        return eval(c.then(), f);
      }
      return c.otherwise() == null ? new Undefined(null, "the inline if-expression evaluated to"
          + " false and no else section was defined.") : eval(c.otherwise(), f);
    }
    if (n instanceof Node.ListLit l) {
      List<Object> out = new ArrayList<>();
      for (Node x : l.items()) {
        out.add(eval(x, f));
      }
      return out;
    }
    if (n instanceof Node.TupleLit t) {
      List<Object> out = new ArrayList<>();
      for (Node x : t.items()) {
        out.add(eval(x, f));
      }
      return new Tuple(out);
    }
    if (n instanceof Node.DictLit d) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < d.keys().size(); i++) {
        out.put(Py.key(eval(d.keys().get(i), f)), eval(d.values().get(i), f));
      }
      return out;
    }
    if (n instanceof Node.Call c) {
      Object fn = eval(c.fn(), f);
      List<Object> args = new ArrayList<>();
      for (Node a : c.args()) {
        args.add(eval(a, f));
      }
      Map<String, Object> kw = new LinkedHashMap<>();
      for (int i = 0; i < c.kwNames().size(); i++) {
        kw.put(c.kwNames().get(i), eval(c.kwValues().get(i), f));
      }
      return callValue(fn, args, kw);
    }
    if (n instanceof Node.Filter fl) {
      return applyFilter(eval(fl.value(), f), fl.call(), f);
    }
    if (n instanceof Node.Test t) {
      Object v = eval(t.value(), f);
      List<Object> args = new ArrayList<>();
      for (Node a : t.args()) {
        args.add(eval(a, f));
      }
      boolean r = Builtins.test(t.name(), v, args, f);
      return t.negated() != r;
    }
    throw new JinjaException("cannot evaluate " + n.getClass().getSimpleName());
  }

  private Object optional(Node n, Frame f) {
    if (n == null) {
      return null;
    }
    Object v = eval(n, f);
    return v instanceof Undefined ? null : v;
  }

  Object callValue(Object fn, List<Object> args, Map<String, Object> kwargs) {
    if (fn instanceof Undefined u) {
      throw u.hint != null ? u.error() : new JinjaException("'" + u.name + "' is undefined");
    }
    if (fn instanceof Fn callable) {
      return callable.call(args, kwargs);
    }
    throw new JinjaException("'" + Py.typeName(fn) + "' object is not callable");
  }

  private Object applyFilter(Object value, Node.FilterCall fc, Frame f) {
    List<Object> args = new ArrayList<>();
    for (Node a : fc.args()) {
      args.add(eval(a, f));
    }
    Map<String, Object> kw = new LinkedHashMap<>();
    for (int i = 0; i < fc.kwNames().size(); i++) {
      kw.put(fc.kwNames().get(i), eval(fc.kwValues().get(i), f));
    }
    line = fc.line();
    return Builtins.filter(this, fc.name(), value, args, kw, f);
  }

  /** {@code obj.name} as Jinja's sandboxed getattr. */
  Object getAttr(Object obj, String name, boolean attributeSyntax) {
    if (obj instanceof Undefined u) {
      throw u.error();
    }
    if (obj instanceof Map<?, ?> m) {
      Fn method = Builtins.dictMethod(m, name);
      if (method != null) {
        return method;
      }
      if (attributeSyntax && m.containsKey(name)) {
        return m.get(name);
      }
      return new Undefined(name, "'dict object' has no attribute '" + name + "'");
    }
    if (obj instanceof Namespace ns) {
      return ns.attrs.containsKey(name) ? ns.attrs.get(name)
          : new Undefined(name, "'Namespace object' has no attribute '" + name + "'");
    }
    if (obj instanceof Loop loop) {
      return loopAttr(loop, name);
    }
    if (Py.isStr(obj)) {
      Fn method = Builtins.strMethod(obj, name);
      if (method != null) {
        return method;
      }
    } else if (obj instanceof List<?> l) {
      Fn method = Builtins.listMethod(l, name);
      if (method != null) {
        return method;
      }
    }
    return new Undefined(name, "'" + Py.typeName(obj) + " object' has no attribute '" + name
        + "'");
  }

  private Object loopAttr(Loop loop, String name) {
    int n = loop.items.size();
    int i = loop.index0;
    return switch (name) {
      case "index" -> (long) i + 1;
      case "index0" -> (long) i;
      case "revindex" -> (long) (n - i);
      case "revindex0" -> (long) (n - i - 1);
      case "first" -> i == 0;
      case "last" -> i == n - 1;
      case "length" -> (long) n;
      case "depth" -> 1L;
      case "depth0" -> 0L;
      case "previtem" -> i > 0 ? loop.items.get(i - 1)
          : new Undefined("previtem", "there is no previous item");
      case "nextitem" -> i < n - 1 ? loop.items.get(i + 1)
          : new Undefined("nextitem", "there is no next item");
      case "cycle" -> (Fn) (args, kw) -> {
        if (args.isEmpty()) {
          throw new JinjaException("no items for cycling given");
        }
        return args.get(i % args.size());
      };
      default -> new Undefined(name, "'LoopContext object' has no attribute '" + name + "'");
    };
  }
}
