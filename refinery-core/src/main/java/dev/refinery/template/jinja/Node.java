package dev.refinery.template.jinja;

import java.util.List;

/** The syntax tree of a template: statements and expressions, each with its source line. */
interface Node {
  int line();

  // ---- statements
  record Text(String text, int line) implements Node {}

  record Print(Node expr, int line) implements Node {}

  record If(List<Node> conditions, List<List<Node>> bodies, List<Node> otherwise, int line)
      implements Node {}

  record For(Node target, Node iter, Node filter, List<Node> body, List<Node> otherwise,
             boolean recursive, int line) implements Node {}

  record Set(Node target, Node value, int line) implements Node {}

  record SetBlock(Node target, List<Node> body, List<FilterCall> filters, int line)
      implements Node {}

  record Macro(String name, List<String> params, List<Node> defaults, List<Node> body, int line)
      implements Node {}

  record CallBlock(Node call, List<String> params, List<Node> defaults, List<Node> body, int line)
      implements Node {}

  record FilterBlock(List<FilterCall> filters, List<Node> body, int line) implements Node {}

  record Generation(List<Node> body, int line) implements Node {}

  record Break(int line) implements Node {}

  record Continue(int line) implements Node {}

  // ---- expressions
  record Const(Object value, int line) implements Node {}

  record Name(String name, int line) implements Node {}

  record ListLit(List<Node> items, int line) implements Node {}

  record TupleLit(List<Node> items, int line) implements Node {}

  record DictLit(List<Node> keys, List<Node> values, int line) implements Node {}

  record Attr(Node obj, String name, int line) implements Node {}

  record Item(Node obj, Node key, int line) implements Node {}

  record Slice(Node obj, Node start, Node stop, Node step, int line) implements Node {}

  record Call(Node fn, List<Node> args, List<String> kwNames, List<Node> kwValues, int line)
      implements Node {}

  record FilterCall(String name, List<Node> args, List<String> kwNames, List<Node> kwValues,
                    int line) {}

  record Filter(Node value, FilterCall call, int line) implements Node {}

  record Test(Node value, String name, List<Node> args, boolean negated, int line)
      implements Node {}

  record Unary(String op, Node operand, int line) implements Node {}

  record Binary(String op, Node left, Node right, int line) implements Node {}

  record Compare(Node first, List<String> ops, List<Node> rest, int line) implements Node {}

  record Cond(Node test, Node then, Node otherwise, int line) implements Node {}

  record Concat(List<Node> parts, int line) implements Node {}
}
