package dev.refinery.template.jinja;

import dev.refinery.template.jinja.Lexer.T;
import dev.refinery.template.jinja.Lexer.Tok;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A recursive-descent parser following Jinja2's grammar and operator precedence. */
final class Parser {
  private final List<Tok> toks;
  private int p;
  /**
   * Set for a bare expression: filter and test names are checked as they are parsed, so that a
   * misspelt one is a syntax error with its column rather than a failure on the first row.
   */
  private boolean checkNames;

  private Parser(List<Tok> toks) {
    this.toks = toks;
  }

  static List<Node> parse(String source) {
    Parser parser = new Parser(Lexer.tokenize(source));
    List<Node> body = parser.subparse(Set.of());
    if (parser.cur().type() != T.EOF) {
      throw parser.fail("unexpected '" + parser.peek(1).value() + "'");
    }
    return body;
  }

  /** One expression and nothing after it, as {@link Expression} compiles it. */
  static Node parseExpression(String source) {
    Parser parser = new Parser(Lexer.tokenizeExpression(source));
    parser.checkNames = true;
    if (parser.cur().type() == T.EOF) {
      throw parser.fail("expected an expression, got nothing");
    }
    Node e = parser.tuple(true, false);
    if (parser.cur().type() != T.EOF) {
      throw parser.fail("unexpected " + describe(parser.cur()));
    }
    return e;
  }

  private void known(java.util.Set<String> names, String kind, String name, Tok at) {
    if (checkNames && !names.contains(name)) {
      throw new JinjaException("line " + at.line() + ": no " + kind + " named '" + name + "'",
          at.pos());
    }
  }

  private Tok cur() {
    return toks.get(p);
  }

  private Tok peek(int k) {
    return toks.get(Math.min(p + k, toks.size() - 1));
  }

  private Tok next() {
    return toks.get(p++);
  }

  private JinjaException fail(String msg) {
    return new JinjaException("line " + cur().line() + ": " + msg, cur().pos());
  }

  private Tok expectOp(String op) {
    if (!cur().isOp(op)) {
      throw fail("expected '" + op + "', got " + describe(cur()));
    }
    return next();
  }

  private String expectName() {
    if (cur().type() != T.NAME) {
      throw fail("expected a name, got " + describe(cur()));
    }
    return next().value();
  }

  private void expectName(String n) {
    if (!cur().isName(n)) {
      throw fail("expected '" + n + "', got " + describe(cur()));
    }
    next();
  }

  private void expectBlockEnd() {
    if (cur().type() != T.BLOCK_END) {
      throw fail("expected end of statement block, got " + describe(cur()));
    }
    next();
  }

  private static String describe(Tok t) {
    return switch (t.type()) {
      case EOF -> "end of template";
      case BLOCK_END -> "'%}'";
      case VAR_END -> "'}}'";
      case TEXT -> "text";
      default -> "'" + t.value() + "'";
    };
  }

  /** Parses statements until a block tag whose keyword is in {@code ends} (not consumed). */
  private List<Node> subparse(Set<String> ends) {
    List<Node> body = new ArrayList<>();
    while (true) {
      Tok t = cur();
      switch (t.type()) {
        case EOF -> {
          if (!ends.isEmpty()) {
            throw fail("unexpected end of template; expected one of " + ends);
          }
          return body;
        }
        case TEXT -> {
          body.add(new Node.Text(t.value(), t.line()));
          next();
        }
        case VAR_BEGIN -> {
          next();
          Node e = tuple(true, false);
          if (cur().type() != T.VAR_END) {
            throw fail("expected '}}', got " + describe(cur()));
          }
          next();
          body.add(new Node.Print(e, t.line()));
        }
        case BLOCK_BEGIN -> {
          Tok kw = peek(1);
          if (kw.type() == T.NAME && ends.contains(kw.value())) {
            return body;
          }
          next();
          body.add(statement());
        }
        default -> throw fail("unexpected " + describe(t));
      }
    }
  }

  private Node statement() {
    Tok kw = cur();
    if (kw.type() != T.NAME) {
      throw fail("expected a statement keyword, got " + describe(kw));
    }
    next();
    int line = kw.line();
    switch (kw.value()) {
      case "if" -> {
        return ifStatement(line);
      }
      case "for" -> {
        return forStatement(line);
      }
      case "set" -> {
        return setStatement(line);
      }
      case "macro" -> {
        String name = expectName();
        List<String> params = new ArrayList<>();
        List<Node> defaults = new ArrayList<>();
        signature(params, defaults);
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endmacro"));
        endTag("endmacro");
        return new Node.Macro(name, params, defaults, body, line);
      }
      case "call" -> {
        List<String> params = new ArrayList<>();
        List<Node> defaults = new ArrayList<>();
        if (cur().isOp("(")) {
          signature(params, defaults);
        }
        Node call = expression(true);
        if (!(call instanceof Node.Call)) {
          throw fail("expected a call");
        }
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endcall"));
        endTag("endcall");
        return new Node.CallBlock(call, params, defaults, body, line);
      }
      case "filter" -> {
        List<Node.FilterCall> filters = new ArrayList<>();
        filters.add(filterCall());
        while (cur().isOp("|")) {
          next();
          filters.add(filterCall());
        }
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endfilter"));
        endTag("endfilter");
        return new Node.FilterBlock(filters, body, line);
      }
      case "generation" -> {
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endgeneration"));
        endTag("endgeneration");
        return new Node.Generation(body, line);
      }
      case "break" -> {
        expectBlockEnd();
        return new Node.Break(line);
      }
      case "continue" -> {
        expectBlockEnd();
        return new Node.Continue(line);
      }
      default -> throw new JinjaException("line " + line + ": unknown tag '" + kw.value() + "'");
    }
  }

  private void endTag(String name) {
    next(); // BLOCK_BEGIN
    expectName(name);
    if (cur().type() == T.NAME && name.equals("endmacro")) {
      next();
    }
    expectBlockEnd();
  }

  private void signature(List<String> params, List<Node> defaults) {
    expectOp("(");
    while (!cur().isOp(")")) {
      if (!params.isEmpty()) {
        expectOp(",");
        if (cur().isOp(")")) {
          break;
        }
      }
      params.add(expectName());
      if (cur().isOp("=")) {
        next();
        defaults.add(expression(true));
      } else {
        if (!defaults.isEmpty()) {
          throw fail("non-default argument follows default argument");
        }
      }
    }
    next();
  }

  private Node ifStatement(int line) {
    List<Node> conds = new ArrayList<>();
    List<List<Node>> bodies = new ArrayList<>();
    List<Node> otherwise = null;
    conds.add(tuple(false, false));
    expectBlockEnd();
    while (true) {
      List<Node> body = subparse(Set.of("elif", "else", "endif"));
      String kw = peek(1).value();
      next();
      next();
      if (otherwise != null) {
        otherwise.addAll(body);
      } else {
        bodies.add(body);
      }
      switch (kw) {
        case "elif" -> {
          if (otherwise != null) {
            throw fail("'elif' after 'else'");
          }
          conds.add(tuple(false, false));
          expectBlockEnd();
        }
        case "else" -> {
          expectBlockEnd();
          otherwise = new ArrayList<>();
        }
        default -> {
          expectBlockEnd();
          return new Node.If(conds, bodies, otherwise == null ? List.of() : otherwise, line);
        }
      }
    }
  }

  private Node forStatement(int line) {
    Node target = assignTarget(false);
    expectName("in");
    Node iter = tuple(false, true);
    Node filter = null;
    boolean recursive = false;
    if (cur().isName("if")) {
      next();
      filter = expression(true);
    }
    if (cur().isName("recursive")) {
      next();
      recursive = true;
    }
    expectBlockEnd();
    List<Node> body = subparse(Set.of("endfor", "else"));
    List<Node> otherwise = List.of();
    next();
    if (next().value().equals("else")) {
      expectBlockEnd();
      otherwise = subparse(Set.of("endfor"));
      next();
      next();
    }
    expectBlockEnd();
    return new Node.For(target, iter, filter, body, otherwise, recursive, line);
  }

  private Node setStatement(int line) {
    Node target = assignTarget(true);
    if (cur().isOp("=")) {
      next();
      Node value = tuple(true, false);
      expectBlockEnd();
      return new Node.Set(target, value, line);
    }
    List<Node.FilterCall> filters = new ArrayList<>();
    while (cur().isOp("|")) {
      next();
      filters.add(filterCall());
    }
    expectBlockEnd();
    List<Node> body = subparse(Set.of("endset"));
    endTag("endset");
    return new Node.SetBlock(target, body, filters, line);
  }

  private Node assignTarget(boolean allowAttr) {
    int line = cur().line();
    List<Node> items = new ArrayList<>();
    boolean paren = cur().isOp("(");
    if (paren) {
      next();
    }
    while (true) {
      String name = expectName();
      if (allowAttr && cur().isOp(".")) {
        next();
        items.add(new Node.Attr(new Node.Name(name, line), expectName(), line));
      } else {
        items.add(new Node.Name(name, line));
      }
      if (!cur().isOp(",")) {
        break;
      }
      next();
      if (cur().type() != T.NAME) {
        break;
      }
    }
    if (paren) {
      expectOp(")");
    }
    return items.size() == 1 && !paren ? items.get(0) : new Node.TupleLit(items, line);
  }

  // ---- expressions

  /** A comma-separated expression list; a tuple when there is a comma. */
  private Node tuple(boolean withCond, boolean forIter) {
    int line = cur().line();
    List<Node> items = new ArrayList<>();
    boolean comma = false;
    while (true) {
      if (!items.isEmpty()) {
        if (!cur().isOp(",")) {
          break;
        }
        next();
        comma = true;
      }
      if (endsTuple(forIter)) {
        break;
      }
      items.add(withCond ? expression(true) : orExpr());
    }
    if (!comma) {
      if (items.isEmpty()) {
        throw fail("expected an expression, got " + describe(cur()));
      }
      return items.get(0);
    }
    return new Node.TupleLit(items, line);
  }

  private boolean endsTuple(boolean forIter) {
    Tok t = cur();
    return t.type() == T.VAR_END || t.type() == T.BLOCK_END || t.isOp(")")
        || (forIter && (t.isName("if") || t.isName("recursive")));
  }

  private Node expression(boolean withCond) {
    Node e = orExpr();
    while (withCond && cur().isName("if")) {
      int line = next().line();
      Node test = orExpr();
      Node otherwise = null;
      if (cur().isName("else")) {
        next();
        otherwise = expression(true);
      }
      e = new Node.Cond(test, e, otherwise, line);
    }
    return e;
  }

  private Node orExpr() {
    Node left = andExpr();
    while (cur().isName("or")) {
      int line = next().line();
      left = new Node.Binary("or", left, andExpr(), line);
    }
    return left;
  }

  private Node andExpr() {
    Node left = notExpr();
    while (cur().isName("and")) {
      int line = next().line();
      left = new Node.Binary("and", left, notExpr(), line);
    }
    return left;
  }

  private Node notExpr() {
    if (cur().isName("not")) {
      int line = next().line();
      return new Node.Unary("not", notExpr(), line);
    }
    return compare();
  }

  private static final Set<String> CMP = Set.of("==", "!=", "<", "<=", ">", ">=");

  private Node compare() {
    int line = cur().line();
    Node first = math1();
    List<String> ops = new ArrayList<>();
    List<Node> rest = new ArrayList<>();
    while (true) {
      Tok t = cur();
      if (t.type() == T.OP && CMP.contains(t.value())) {
        next();
        ops.add(t.value());
      } else if (t.isName("in")) {
        next();
        ops.add("in");
      } else if (t.isName("not") && peek(1).isName("in")) {
        next();
        next();
        ops.add("notin");
      } else {
        break;
      }
      rest.add(math1());
    }
    return ops.isEmpty() ? first : new Node.Compare(first, ops, rest, line);
  }

  private Node math1() {
    Node left = concat();
    while (cur().isOp("+") || cur().isOp("-")) {
      Tok op = next();
      left = new Node.Binary(op.value(), left, concat(), op.line());
    }
    return left;
  }

  private Node concat() {
    int line = cur().line();
    List<Node> parts = new ArrayList<>();
    parts.add(math2());
    while (cur().isOp("~")) {
      next();
      parts.add(math2());
    }
    return parts.size() == 1 ? parts.get(0) : new Node.Concat(parts, line);
  }

  private Node math2() {
    Node left = pow();
    while (cur().isOp("*") || cur().isOp("/") || cur().isOp("//") || cur().isOp("%")) {
      Tok op = next();
      left = new Node.Binary(op.value(), left, pow(), op.line());
    }
    return left;
  }

  private Node pow() {
    Node left = unary(true);
    while (cur().isOp("**")) {
      Tok op = next();
      left = new Node.Binary("**", left, unary(true), op.line());
    }
    return left;
  }

  private Node unary(boolean withFilter) {
    Tok t = cur();
    Node node;
    if (t.isOp("-") || t.isOp("+")) {
      next();
      node = new Node.Unary(t.value(), unary(false), t.line());
    } else {
      node = primary();
    }
    node = postfix(node);
    if (withFilter) {
      node = filterExpr(node);
    }
    return node;
  }

  private Node primary() {
    Tok t = cur();
    switch (t.type()) {
      case NAME -> {
        next();
        return switch (t.value()) {
          case "true", "True" -> new Node.Const(Boolean.TRUE, t.line());
          case "false", "False" -> new Node.Const(Boolean.FALSE, t.line());
          case "none", "None" -> new Node.Const(null, t.line());
          default -> new Node.Name(t.value(), t.line());
        };
      }
      case STRING -> {
        next();
        StringBuilder sb = new StringBuilder(t.value());
        while (cur().type() == T.STRING) {
          sb.append(next().value());
        }
        return new Node.Const(sb.toString(), t.line());
      }
      case INT, FLOAT -> {
        next();
        return new Node.Const(t.literal(), t.line());
      }
      case OP -> {
        switch (t.value()) {
          case "(" -> {
            next();
            if (cur().isOp(")")) {
              next();
              return new Node.TupleLit(List.of(), t.line());
            }
            Node inner = tuple(true, false);
            expectOp(")");
            return inner;
          }
          case "[" -> {
            next();
            List<Node> items = new ArrayList<>();
            while (!cur().isOp("]")) {
              if (!items.isEmpty()) {
                expectOp(",");
                if (cur().isOp("]")) {
                  break;
                }
              }
              items.add(expression(true));
            }
            next();
            return new Node.ListLit(items, t.line());
          }
          case "{" -> {
            next();
            List<Node> keys = new ArrayList<>();
            List<Node> values = new ArrayList<>();
            while (!cur().isOp("}")) {
              if (!keys.isEmpty()) {
                expectOp(",");
                if (cur().isOp("}")) {
                  break;
                }
              }
              keys.add(expression(true));
              expectOp(":");
              values.add(expression(true));
            }
            next();
            return new Node.DictLit(keys, values, t.line());
          }
          default -> throw fail("unexpected '" + t.value() + "'");
        }
      }
      default -> throw fail("unexpected " + describe(t));
    }
  }

  private Node postfix(Node node) {
    while (true) {
      Tok t = cur();
      if (t.isOp(".")) {
        next();
        Tok a = next();
        if (a.type() == T.NAME) {
          node = new Node.Attr(node, a.value(), t.line());
        } else if (a.type() == T.INT) {
          node = new Node.Item(node, new Node.Const(a.literal(), a.line()), t.line());
        } else {
          throw fail("expected an attribute name after '.'");
        }
      } else if (t.isOp("[")) {
        next();
        node = subscript(node, t.line());
      } else if (t.isOp("(")) {
        node = call(node);
      } else {
        return node;
      }
    }
  }

  private Node subscript(Node obj, int line) {
    Node[] parts = new Node[3];
    int idx = 0;
    boolean slice = false;
    while (!cur().isOp("]")) {
      if (cur().isOp(":")) {
        next();
        slice = true;
        idx++;
        if (idx > 2) {
          throw fail("too many ':' in slice");
        }
        continue;
      }
      if (parts[idx] != null) {
        throw fail("expected ']' in subscript");
      }
      parts[idx] = expression(true);
    }
    next();
    if (!slice) {
      if (parts[0] == null) {
        throw fail("empty subscript");
      }
      return new Node.Item(obj, parts[0], line);
    }
    return new Node.Slice(obj, parts[0], parts[1], parts[2], line);
  }

  private Node call(Node fn) {
    int line = expectOp("(").line();
    List<Node> args = new ArrayList<>();
    List<String> kwNames = new ArrayList<>();
    List<Node> kwValues = new ArrayList<>();
    callArgs(args, kwNames, kwValues);
    return new Node.Call(fn, args, kwNames, kwValues, line);
  }

  /** Parses arguments after '(' up to and including ')'. */
  private void callArgs(List<Node> args, List<String> kwNames, List<Node> kwValues) {
    boolean first = true;
    while (!cur().isOp(")")) {
      if (!first) {
        expectOp(",");
        if (cur().isOp(")")) {
          break;
        }
      }
      first = false;
      if (cur().type() == T.NAME && peek(1).isOp("=")) {
        kwNames.add(next().value());
        next();
        kwValues.add(expression(true));
      } else {
        if (!kwNames.isEmpty()) {
          throw fail("positional argument follows keyword argument");
        }
        args.add(expression(true));
      }
    }
    next();
  }

  private Node filterExpr(Node node) {
    while (true) {
      Tok t = cur();
      if (t.isOp("|")) {
        next();
        node = new Node.Filter(node, filterCall(), t.line());
      } else if (t.isName("is")) {
        next();
        node = test(node, t.line());
      } else if (t.isOp("(")) {
        node = call(node);
      } else {
        return node;
      }
    }
  }

  private Node.FilterCall filterCall() {
    int line = cur().line();
    Tok first = cur();
    StringBuilder name = new StringBuilder(expectName());
    while (cur().isOp(".")) {
      next();
      name.append('.').append(expectName());
    }
    known(Builtins.FILTERS, "filter", name.toString(), first);
    List<Node> args = new ArrayList<>();
    List<String> kwNames = new ArrayList<>();
    List<Node> kwValues = new ArrayList<>();
    if (cur().isOp("(")) {
      next();
      callArgs(args, kwNames, kwValues);
    }
    return new Node.FilterCall(name.toString(), args, kwNames, kwValues, line);
  }

  private Node test(Node value, int line) {
    boolean negated = false;
    if (cur().isName("not")) {
      next();
      negated = true;
    }
    Tok first = cur();
    StringBuilder name = new StringBuilder(expectName());
    while (cur().isOp(".")) {
      next();
      name.append('.').append(expectName());
    }
    List<Node> args = new ArrayList<>();
    known(Builtins.TESTS, "test", name.toString(), first);
    Tok t = cur();
    if (t.isOp("(")) {
      next();
      List<String> kwNames = new ArrayList<>();
      callArgs(args, kwNames, new ArrayList<>());
    } else if ((t.type() == T.NAME || t.type() == T.STRING || t.type() == T.INT
        || t.type() == T.FLOAT || t.isOp("[") || t.isOp("{"))
        && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
      if (t.isName("is")) {
        throw fail("You cannot chain multiple tests with is");
      }
      args.add(postfix(primary()));
    }
    return new Node.Test(value, name.toString(), args, negated, line);
  }
}
