package dev.refinery.verify;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small recursive-descent reader of the LaTeX arithmetic found in final answers, evaluated in
 * doubles: numbers, single-letter and Greek variables (with subscripts), {@code + - * /},
 * {@code \cdot \times \div}, implicit multiplication, {@code ^}, {@code !}, {@code |x|},
 * {@code \frac \sqrt \sqrt[n]}, {@code \pi \infty}, and the usual functions. Anything else makes
 * the answer unreadable (empty), which a caller treats as "not equivalent". Complex numbers are not
 * modelled: {@code i} is an ordinary variable, which keeps {@code 4-20i} and {@code -20i+4} equal.
 */
final class LatexExpression {

  interface Node {
    double eval(Map<String, Double> env);
  }

  record Parsed(Node node, Set<String> variables) {
    double eval(Map<String, Double> env) {
      return node.eval(env);
    }
  }

  private static final Set<String> FUNCTIONS = Set.of("sin", "cos", "tan", "sec", "csc", "cot",
      "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "ln", "log", "exp");
  private static final Set<String> GREEK = Set.of("alpha", "beta", "gamma", "delta", "epsilon",
      "varepsilon", "zeta", "eta", "theta", "vartheta", "lambda", "mu", "nu", "xi", "rho", "sigma",
      "tau", "phi", "varphi", "chi", "psi", "omega");
  private static final Set<String> OPERATORS = Set.of("cdot", "times", "div");

  private static final int MAX_DEPTH = 64;

  private LatexExpression() {}

  static Optional<Parsed> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      Parser parser = new Parser(text);
      Node node = parser.expression();
      parser.skipSpaces();
      if (!parser.atEnd()) {
        return Optional.empty();
      }
      return Optional.of(new Parsed(node, Set.copyOf(parser.variables)));
    } catch (Unreadable e) {
      return Optional.empty();
    }
  }

  private static final class Unreadable extends RuntimeException {
    Unreadable() {
      super(null, null, false, false);
    }
  }

  private static final class Parser {
    private final String s;
    private int pos;
    private final Set<String> variables = new TreeSet<>();
    private int depth;

    Parser(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    void skipSpaces() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    char peek() {
      skipSpaces();
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    void expect(char c) {
      if (peek() != c) {
        throw new Unreadable();
      }
      pos++;
    }

    /** The command name at pos (after the backslash) without consuming it, or "". */
    String peekCommand() {
      skipSpaces();
      if (pos >= s.length() || s.charAt(pos) != '\\') {
        return "";
      }
      int end = pos + 1;
      while (end < s.length() && Character.isLetter(s.charAt(end))) {
        end++;
      }
      return s.substring(pos + 1, end);
    }

    String command() {
      String name = peekCommand();
      if (name.isEmpty()) {
        throw new Unreadable();
      }
      pos += 1 + name.length();
      return name;
    }

    Node expression() {
      // Nesting is bounded so that hostile input ("((((...") cannot overflow the stack.
      if (++depth > MAX_DEPTH) {
        throw new Unreadable();
      }
      try {
        return sum();
      } finally {
        depth--;
      }
    }

    Node sum() {
      Node left = term();
      while (true) {
        char c = peek();
        if (c == '+') {
          pos++;
          Node a = left;
          Node b = term();
          left = env -> a.eval(env) + b.eval(env);
        } else if (c == '-') {
          pos++;
          Node a = left;
          Node b = term();
          left = env -> a.eval(env) - b.eval(env);
        } else {
          return left;
        }
      }
    }

    Node term() {
      Node left = unary();
      while (true) {
        char c = peek();
        String cmd = peekCommand();
        if (c == '*' || cmd.equals("cdot") || cmd.equals("times")) {
          pos += c == '*' ? 1 : 1 + cmd.length();
          Node a = left;
          Node b = unary();
          left = env -> a.eval(env) * b.eval(env);
        } else if (c == '/' || cmd.equals("div")) {
          pos += c == '/' ? 1 : 1 + cmd.length();
          Node a = left;
          Node b = unary();
          left = env -> a.eval(env) / b.eval(env);
        } else if (startsAtom()) {
          Node a = left;
          Node b = power();
          left = env -> a.eval(env) * b.eval(env);
        } else {
          return left;
        }
      }
    }

    Node unary() {
      char c = peek();
      if (c == '-') {
        pos++;
        if (++depth > MAX_DEPTH) {
          throw new Unreadable();
        }
        Node a = unary();
        depth--;
        return env -> -a.eval(env);
      }
      if (c == '+') {
        pos++;
        return unary();
      }
      return power();
    }

    Node power() {
      Node base = postfix();
      if (peek() == '^') {
        pos++;
        Node exponent = exponent();
        return env -> Math.pow(base.eval(env), exponent.eval(env));
      }
      return base;
    }

    /** A LaTeX superscript: a braced group or one token ({@code x^23} is x squared times 3). */
    Node exponent() {
      char c = peek();
      if (c == '-') {
        pos++;
        Node a = exponent();
        return env -> -a.eval(env);
      }
      return argument();
    }

    Node postfix() {
      Node a = atom();
      while (peek() == '!') {
        pos++;
        Node inner = a;
        a = env -> factorial(inner.eval(env));
      }
      return a;
    }

    boolean startsAtom() {
      char c = peek();
      if (Character.isDigit(c) || Character.isLetter(c) || c == '(' || c == '{') {
        return true;
      }
      if (c == '.') {
        return pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1));
      }
      if (c == '\\') {
        String cmd = peekCommand();
        return !cmd.isEmpty() && !OPERATORS.contains(cmd);
      }
      return false;
    }

    Node atom() {
      char c = peek();
      if (Character.isDigit(c) || c == '.') {
        return number();
      }
      if (c == '(') {
        pos++;
        Node e = expression();
        expect(')');
        return e;
      }
      if (c == '{') {
        pos++;
        Node e = expression();
        expect('}');
        return e;
      }
      if (c == '|') {
        pos++;
        Node e = expression();
        expect('|');
        return env -> Math.abs(e.eval(env));
      }
      if (Character.isLetter(c) && c < 128) {
        pos++;
        return variable(String.valueOf(c));
      }
      if (c == '\\') {
        return commandAtom();
      }
      throw new Unreadable();
    }

    Node number() {
      int start = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
      }
      String digits = s.substring(start, pos);
      if (digits.equals(".")) {
        throw new Unreadable();
      }
      double value = Double.parseDouble(digits);
      return env -> value;
    }

    Node variable(String name) {
      if (pos < s.length() && s.charAt(pos) == '_') {
        pos++;
        if (pos < s.length() && s.charAt(pos) == '{') {
          int close = BoxedAnswer.matchingBrace(s, pos);
          if (close < 0) {
            throw new Unreadable();
          }
          name = name + "_" + s.substring(pos + 1, close).strip();
          pos = close + 1;
        } else if (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
          name = name + "_" + s.charAt(pos);
          pos++;
        } else {
          throw new Unreadable();
        }
      }
      String key = name;
      variables.add(key);
      return env -> env.getOrDefault(key, Double.NaN);
    }

    Node commandAtom() {
      String cmd = command();
      switch (cmd) {
        case "frac":
          Node num = argument();
          Node den = argument();
          return env -> num.eval(env) / den.eval(env);
        case "sqrt":
          Node degree = null;
          if (peek() == '[') {
            pos++;
            degree = expression();
            expect(']');
          }
          Node radicand = argument();
          if (degree == null) {
            return env -> Math.sqrt(radicand.eval(env));
          }
          Node n = degree;
          return env -> root(radicand.eval(env), n.eval(env));
        case "pi":
          return env -> Math.PI;
        case "infty":
          return env -> Double.POSITIVE_INFINITY;
        default:
          if (GREEK.contains(cmd)) {
            return variable("\\" + cmd);
          }
          if (FUNCTIONS.contains(cmd)) {
            return function(cmd);
          }
          throw new Unreadable();
      }
    }

    /** {@code \sin x}, {@code \sin^2 t}, {@code \log_2 8}, {@code \cos(2x)}. */
    Node function(String name) {
      Node base = null;
      if (name.equals("log") && peek() == '_') {
        pos++;
        base = argument();
      }
      Node power = null;
      if (peek() == '^') {
        pos++;
        power = exponent();
      }
      Node arg;
      char c = peek();
      if (c == '(' || c == '{') {
        arg = atom();
      } else {
        // Unbracketed argument: an implicit product up to the next operator or function.
        arg = power();
        while (startsAtom() && !FUNCTIONS.contains(peekCommand())) {
          Node a = arg;
          Node b = power();
          arg = env -> a.eval(env) * b.eval(env);
        }
      }
      Node x = arg;
      Node logBase = base;
      Node applied = env -> apply(name, x.eval(env), logBase == null ? Double.NaN
          : logBase.eval(env));
      if (power == null) {
        return applied;
      }
      Node p = power;
      return env -> Math.pow(applied.eval(env), p.eval(env));
    }

    /** A command argument: a braced group or one token ({@code \frac12} is one half). */
    Node argument() {
      char c = peek();
      if (c == '{') {
        pos++;
        Node e = expression();
        expect('}');
        return e;
      }
      if (Character.isDigit(c)) {
        double digit = c - '0';
        pos++;
        return env -> digit;
      }
      if (Character.isLetter(c) && c < 128) {
        pos++;
        return variable(String.valueOf(c));
      }
      if (c == '\\') {
        return commandAtom();
      }
      throw new Unreadable();
    }
  }

  private static double apply(String name, double x, double logBase) {
    return switch (name) {
      case "sin" -> Math.sin(x);
      case "cos" -> Math.cos(x);
      case "tan" -> Math.tan(x);
      case "sec" -> 1 / Math.cos(x);
      case "csc" -> 1 / Math.sin(x);
      case "cot" -> 1 / Math.tan(x);
      case "arcsin" -> Math.asin(x);
      case "arccos" -> Math.acos(x);
      case "arctan" -> Math.atan(x);
      case "sinh" -> Math.sinh(x);
      case "cosh" -> Math.cosh(x);
      case "tanh" -> Math.tanh(x);
      case "exp" -> Math.exp(x);
      case "ln" -> Math.log(x);
      // \log without a base: the same function on both sides is all equivalence needs.
      case "log" -> Double.isNaN(logBase) ? Math.log(x) : Math.log(x) / Math.log(logBase);
      default -> Double.NaN;
    };
  }

  private static double root(double x, double n) {
    if (x < 0 && n == Math.rint(n) && ((long) n) % 2 == 1) {
      return -Math.pow(-x, 1 / n);
    }
    return Math.pow(x, 1 / n);
  }

  private static double factorial(double n) {
    if (n != Math.rint(n) || n < 0 || n > 170) {
      return Double.NaN;
    }
    double result = 1;
    for (int i = 2; i <= n; i++) {
      result *= i;
    }
    return result;
  }
}
