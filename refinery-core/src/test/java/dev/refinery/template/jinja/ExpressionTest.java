package dev.refinery.template.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionTest {
  private static final Map<String, Object> ROW = Map.of(
      "category", "math",
      "messages", List.of(Map.of("role", "user", "content", "What is 2+2?"),
          Map.of("role", "assistant", "content", "It is \\boxed{4}.")),
      "metadata", new java.util.TreeMap<>(Map.of("source", "gsm8k", "turns", 2L)));

  private static Object eval(String source) {
    return Expression.compile(source).evaluate(ROW);
  }

  @Test
  void pythonValueSemantics() {
    assertThat(eval("len(messages) > 1 and category == 'math'")).isEqualTo(true);
    assertThat(eval("messages[-1].content | length")).isEqualTo(16L);
    assertThat(eval("'boxed' in messages[-1].content")).isEqualTo(true);
    assertThat(eval("'math' if 'boxed' in messages[-1].content else category")).isEqualTo("math");
    assertThat(eval("metadata.source | default('web')")).isEqualTo("gsm8k");
    assertThat(eval("metadata.url | default('web')")).isEqualTo("web");
    assertThat(eval("messages[0].content.startswith('What')")).isEqualTo(true);
    assertThat(eval("category | upper ~ '!'")).isEqualTo("MATH!");
    assertThat(eval("7 // 2 + 2 ** 3 - 1 % 5")).isEqualTo(10L);
    assertThat(eval("[1, 'a', none]")).isEqualTo(java.util.Arrays.asList(1L, "a", null));
    assertThat(eval("metadata | tojson")).isEqualTo("{\"source\": \"gsm8k\", \"turns\": 2}");
    assertThat(eval("metadata.missing")).isSameAs(Expression.UNDEFINED);
  }

  @Test
  void truthinessIsPythons() {
    Map<String, Object> vars = Map.of("empty", List.of(), "zero", 0L, "text", "");
    for (String falsy : List.of("empty", "zero", "text", "none", "undefined_name", "0.0")) {
      assertThat(Expression.compile(falsy).test(vars)).as(falsy).isFalse();
    }
    assertThat(Expression.compile("[0]").test(vars)).isTrue();
  }

  @Test
  void syntaxErrorsNameTheColumn() {
    assertThatThrownBy(() -> Expression.compile("len(messages)) > 2"))
        .isInstanceOf(Expression.Error.class).hasMessage("unexpected ')'")
        .satisfies(e -> assertThat(((Expression.Error) e).column()).isEqualTo(14));
    assertThatThrownBy(() -> Expression.compile("category | lenght"))
        .hasMessage("no filter named 'lenght'")
        .satisfies(e -> assertThat(((Expression.Error) e).column()).isEqualTo(12));
    assertThatThrownBy(() -> Expression.compile("x is evn"))
        .hasMessage("no test named 'evn'")
        .satisfies(e -> assertThat(((Expression.Error) e).column()).isEqualTo(6));
    assertThatThrownBy(() -> Expression.compile("len(messages"))
        .hasMessage("expected ',', got end of expression")
        .satisfies(e -> assertThat(((Expression.Error) e).column()).isEqualTo(13));
    assertThatThrownBy(() -> Expression.compile("'open")).hasMessage("unexpected end of string");
    assertThatThrownBy(() -> Expression.compile("len(messages) > 2\nand category ==="))
        .satisfies(e -> assertThat(((Expression.Error) e).located())
            .isEqualTo("line 2 col 16: unexpected '='"));
    assertThatThrownBy(() -> Expression.compile(" ")).isInstanceOf(Expression.Error.class);
  }

  @Test
  void runtimeErrorsAreOneLine() {
    assertThatThrownBy(() -> eval("'a' + 1")).isInstanceOf(Expression.Error.class)
        .hasMessageContaining("str").satisfies(e ->
            assertThat(((Expression.Error) e).column()).isEqualTo(-1));
    assertThatThrownBy(() -> eval("nothing.here")).hasMessage("'nothing' is undefined");
  }

  /** Every name the compile-time check accepts is one the interpreter runs, and no other. */
  @Test
  void knownNamesMatchTheInterpreter() {
    for (String name : Builtins.FILTERS) {
      try {
        Builtins.filter(new Interp(new java.util.IdentityHashMap<>()), name, "x", List.of(),
            Map.of(), new Interp.Frame(null));
      } catch (RuntimeException e) {
        assertThat(e.getMessage()).as(name).doesNotStartWith("No filter named");
      }
    }
    for (String name : Builtins.TESTS) {
      try {
        Builtins.test(name, "x", List.of("x"), new Interp.Frame(null));
      } catch (RuntimeException e) {
        assertThat(e.getMessage()).as(name).doesNotStartWith("No test named");
      }
    }
  }

  @Test
  void survivesSerialization() throws Exception {
    Expression e = Expression.compile("category == 'math'");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    Expression back;
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (Expression) in.readObject();
    }
    assertThat(back.test(ROW)).isTrue();
  }
}
