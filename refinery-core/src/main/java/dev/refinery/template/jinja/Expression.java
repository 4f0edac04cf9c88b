package dev.refinery.template.jinja;

import dev.refinery.template.jinja.Py.NamedFn;
import dev.refinery.template.jinja.Py.Undefined;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Jinja expression (what goes between {@code {{ }}}) with the Python value semantics of the
 * chat-template interpreter: {@code len(messages) > 2 and category == 'math'}, {@code
 * metadata.source | default('web')}. Pipelines use it for steps written without Java. Compiling
 * checks the syntax and every filter and test name (the parser's {@code checkNames}), so a typo stops a run before its first row;
 * evaluating is a pure function of the variables given (no global state, no clock).
 *
 * <p>Globals besides the variables: {@code len}, {@code range}, {@code dict}.
 */
public final class Expression implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private transient Node tree;

  private Expression(String source, Node tree) {
    this.source = source;
    this.tree = tree;
  }

  /** Parses {@code source}; a syntax error or an unknown filter or test is a {@link Error}. */
  public static Expression compile(String source) {
    Node tree;
    try {
      tree = Parser.parseExpression(source);
    } catch (JinjaException e) {
      if (e.pos < 0) {
        throw new Error(message(e), -1);
      }
      // Columns count within the error's line of a multi-line expression (a YAML block scalar).
      String norm = source.replace("\r\n", "\n").replace('\r', '\n');
      int at = Math.min(e.pos, norm.length());
      int lineStart = norm.lastIndexOf('\n', at - 1) + 1;
      int line = (int) norm.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
      throw new Error(message(e), at - lineStart + 1, norm.indexOf('\n') < 0 ? 0 : line);
    }
    return new Expression(source, tree);
  }

  public String source() {
    return source;
  }

  /**
   * The value of the expression with {@code variables} in scope (plain Java values: String,
   * Long, Double, Boolean, null, List, Map), as plain Java values again: a tuple is a List, an
   * undefined value is {@link #UNDEFINED}. A runtime error (a type error, an undefined value
   * used) is an {@link Error} with no column.
   */
  public Object evaluate(Map<String, Object> variables) {
    return plain(evaluatePython(variables));
  }

  /** Whether the expression's value is true as Python's {@code bool()} says (undefined: false). */
  public boolean test(Map<String, Object> variables) {
    return Py.truthy(evaluatePython(variables));
  }

  /** What {@link #evaluate} returns for a value that is undefined (a missing key). */
  public static final Object UNDEFINED = new Object() {
    @Override
    public String toString() {
      return "Undefined";
    }
  };

  /** Python's {@code type(x).__name__} of a value {@link #evaluate} returned, for messages. */
  public static String typeName(Object value) {
    return value == UNDEFINED ? "Undefined" : Py.typeName(value);
  }

  private Object evaluatePython(Map<String, Object> variables) {
    Interp in = new Interp(new IdentityHashMap<>());
    Interp.Frame globals = new Interp.Frame(null);
    globals.vars.put("len", new NamedFn("len", (a, k) -> {
      if (a.size() != 1 || !k.isEmpty()) {
        throw new JinjaException("len() takes exactly one argument (" + a.size() + " given)");
      }
      return Py.len(a.get(0));
    }));
    globals.vars.put("range", new NamedFn("range", Template::range));
    globals.vars.put("dict", new NamedFn("dict", Template::dict));
    Interp.Frame root = new Interp.Frame(globals);
    root.vars.putAll(variables);
    try {
      return in.eval(tree, root);
    } catch (JinjaException e) {
      throw new Error(message(e), -1);
    } catch (StackOverflowError e) {
      throw new Error("recursion too deep", -1);
    } catch (ArithmeticException | ClassCastException | IndexOutOfBoundsException e) {
      throw new Error(String.valueOf(e.getMessage()), -1);
    }
  }

  private static Object plain(Object v) {
    if (v instanceof Undefined) {
      return UNDEFINED;
    }
    if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double
        || v instanceof BigInteger) {
      return v;
    }
    if (Py.isStr(v)) {
      return TStr.text(v);
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object x : l) {
        out.add(plain(x));
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(TStr.text(Py.str(k)), plain(x)));
      return out;
    }
    throw new Error("a " + Py.typeName(v) + " is not a value a row can hold", -1);
  }

  /** The interpreter's message without the template line it prefixes (an expression has one). */
  private static String message(JinjaException e) {
    String m = e.getMessage();
    if (m.startsWith("line ")) {
      int colon = m.indexOf(": ");
      if (colon > 0) {
        m = m.substring(colon + 2);
      }
    }
    return m.replace("end of template", "end of expression");
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    tree = Parser.parseExpression(source);
  }

  /**
   * An expression that does not compile ({@link #column()} is where, from 1, or -1) or a value
   * that cannot be computed for one set of variables. The message is one line.
   */
  public static final class Error extends RuntimeException {
    private final int column;
    private final int line;

    Error(String message, int column) {
      this(message, column, 0);
    }

    Error(String message, int column, int line) {
      super(message, null, false, false);
      this.column = column;
      this.line = line;
    }

    public int column() {
      return column;
    }

    /** The line within a multi-line expression, from 1; 0 for an expression of one line. */
    public int line() {
      return line;
    }

    /** {@code col 12: message}, or {@code line 2 col 5: message} in a multi-line expression. */
    public String located() {
      if (column < 0) {
        return getMessage();
      }
      return (line > 0 ? "line " + line + " col " : "col ") + column + ": " + getMessage();
    }
  }
}
