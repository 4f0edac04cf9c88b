package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import dev.refinery.template.jinja.Expression;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table of expressions evaluated on rows as the steps see them, here and by Jinja2 itself in
 * python3 (in the sandboxed environment transformers renders chat templates with, with its
 * tojson), value for value: the steps promise Python semantics, Jinja2 is the reference.
 */
class ExpressionPythonTest {
  @TempDir Path dir;

  private static final List<String> EXPRESSIONS = List.of(
      "len(messages) > 2 and category == 'math'",
      "messages[-1].content | length > 100",
      "messages[-1].content | length",
      "'boxed' in messages[-1].content",
      "'math' if 'boxed' in (messages[-1].content or '') else category",
      "metadata.source | default('web')",
      "metadata.get('source', 'none')",
      "metadata['source']",
      "metadata.missing",
      "metadata.turns > 1",
      "metadata is mapping",
      "len(metadata)",
      "category | upper", "category | lower", "category | capitalize", "category | title",
      "'  x ' | trim",
      "category.startswith('ma')", "category.endswith('h')", "category.replace('a', 'o')",
      "category.split('a')", "category[1:3]", "category[::-1]",
      "messages | length",
      "messages | map(attribute='role') | list",
      "messages | selectattr('role', 'equalto', 'user') | list | length",
      "messages | map(attribute='role') | join(',')",
      "(messages | first).content.strip().lower()",
      "(messages | last).role",
      "messages[5]",
      "messages[0]['content'][:5]",
      "messages | selectattr('tool_calls') | list | length",
      "7 // 2", "7 / 2", "-7 // 2", "7 % 3", "-7 % 3", "2 ** 10", "1 + 2.5", "10 / 4",
      "0.1 + 0.2", "'a' + 'b'", "'a' * 3", "'a' + 1", "1 / 0", "category ~ 1",
      "not category", "category and 0", "category or 'x'", "true and 'x'",
      "1 < 2 < 3", "1 == 1.0", "'1' == 1", "1 in [1, 2]", "'x' not in category",
      "[1, 2] + [3]", "(1, 2)", "{'a': 1}", "1 if false",
      "nothing is none", "nothing is defined", "uuid is none", "reasoning == 'on'",
      "category | tojson", "metadata | tojson", "messages[0] | tojson",
      "range(3) | list", "range(3) | sum", "[3, 1, 2] | sort", "[3, 1, 2] | max",
      "'%s-%d' | format('a', 3)", "'%.2f' | format(score | default(0))",
      "'%.1f' | format(-0.01)", "'%.0f' | format(0.5)", "'%.0f' | format(1.5)",
      "'%.2f' | format(2.675)", "'%.3f' | format(-0.0)", "'%5.1f|' | format(3.14159)",
      "'a-b c_d (e[f' | title", "category.title()",
      "tools | length", "tools[0].function.name if tools else 'none'",
      "extra_col | default(0) + 1", "score | default(1) * 2",
      "len(none)", "nothing.attr", "metadata.source | default('web') | upper",
      "messages[-1].content | wordcount", "'a,b'.split(',') | length", "'-'.join(['a', 'b'])",
      "category | replace('a', 'A') | first", "messages | rejectattr('content') | list | length");

  private static List<Sample> rows() {
    Message call = new Message("assistant", null,
        List.of(ToolCall.of("c1", "get_weather", "{\"city\":\"Oslo\"}")),
        Map.of("reasoning_content", "look it up"));
    return List.of(
        Sample.builder().uuid("m1").category("math").reasoning("on").license("CC BY 4.0")
            .metadata("{\"source\":\"gsm8k\",\"turns\":2}")
            .messages(List.of(Message.of("user", "  What is 2+2?  "),
                Message.of("assistant", "<think>add</think>The answer is \\boxed{4}.")))
            .build(),
        Sample.builder().uuid("t1").category("tool_calling").reasoning("off")
            .metadata("{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"parameters\":{}}}]}")
            .messages(List.of(Message.of("system", "Use tools."),
                Message.of("user", "Weather in Oslo?"), call,
                Message.of("tool", "{\"temp\": 3}"),
                Message.of("assistant", "It is 3 degrees in Oslo today, a little cold for a walk "
                    + "by the fjord but fine with a coat, a hat and a thermos of coffee.")))
            .build(),
        Sample.builder().category("chat")
            .messages(List.of(Message.of("user", "hi"), Message.of("assistant", "hello")))
            .extra(extras()).build());
  }

  /** In a fixed order: the recorded task is compared as text (Map.of's order varies by JVM). */
  private static Map<String, Object> extras() {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("extra_col", 41L);
    extra.put("score", 0.125);
    return extra;
  }

  private static final String PYTHON = """
      import json, sys
      from jinja2 import Undefined
      from jinja2.sandbox import ImmutableSandboxedEnvironment

      def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
          return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                            sort_keys=sort_keys)

      def plain(v):
          if isinstance(v, Undefined):
              return "<undefined>"
          if isinstance(v, (list, tuple, range)):
              return [plain(x) for x in v]
          if isinstance(v, dict):
              return {str(k): plain(x) for k, x in v.items()}
          if isinstance(v, str):
              return str(v)
          return v

      env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
      env.filters["tojson"] = tojson
      env.globals["len"] = len
      task = json.load(sys.stdin)
      out = []
      for scope in task["rows"]:
          for src in task["expressions"]:
              try:
                  v = env.compile_expression(src, undefined_to_none=False)(**scope)
                  out.append({"value": plain(v), "truthy": bool(v)})
              except Exception as e:
                  out.append({"value": "<error>", "truthy": None})
      json.dump(out, sys.stdout)
      """;

  /**
   * Jinja2's answers, recorded by running {@link #PYTHON} on this task, so the comparison runs
   * on every machine; where python3 with jinja2 is present the test also runs it and checks the
   * recording is still what Jinja2 says (a changed table or row must be recorded again:
   * {@code -Drefinery.record.jinja2=true} writes the file in the source tree).
   */
  private static final Path RECORDED = Path.of("src/test/resources/jinja/expressions_jinja2.json");

  @Test
  @SuppressWarnings("unchecked")
  void everyExpressionGivesJinja2sValueOnEveryRow() throws Exception {
    List<Object> scopes = new ArrayList<>();
    for (Sample s : rows()) {
      scopes.add(ExpressionSteps.scope(s, ExpressionSteps.metadata(s)));
    }
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("rows", scopes);
    task.put("expressions", EXPRESSIONS);
    // Key order is part of the task (tojson keeps it), so it is written as built, not sorted.
    String taskJson = Json.write(task);
    if (jinja2Available()) {
      String live = Json.write(Json.parse(runJinja2(taskJson)));
      if (Boolean.getBoolean("refinery.record.jinja2")) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("task", task);
        file.put("answers", Json.parse(live));
        Files.writeString(RECORDED, Json.write(file) + "\n");
      }
      assertThat(Json.write(((Map<String, Object>) Json.parse(Files.readString(RECORDED)))
          .get("answers"))).as("Jinja2's answers as recorded").isEqualTo(live);
    }
    Map<String, Object> recorded = (Map<String, Object>) Json.parse(Files.readString(RECORDED));
    assertThat(Json.write(recorded.get("task"))).as("the recorded task").isEqualTo(taskJson);
    List<Map<String, Object>> python = (List<Map<String, Object>>) recorded.get("answers");

    List<String> mismatches = new ArrayList<>();
    int i = 0;
    List<Sample> rows = rows();
    for (Object scope : scopes) {
      for (String src : EXPRESSIONS) {
        Map<String, Object> want = python.get(i++);
        Object value;
        Boolean truthy;
        try {
          Expression e = Expression.compile(src);
          value = e.evaluate((Map<String, Object>) scope);
          value = value == Expression.UNDEFINED ? "<undefined>" : value;
          truthy = e.test((Map<String, Object>) scope);
        } catch (Expression.Error err) {
          value = "<error>";
          truthy = null;
        }
        Object wantValue = Json.parse(Json.write(want.get("value")));
        Object gotValue = Json.parse(Json.write(value));
        if (!java.util.Objects.equals(gotValue, wantValue)
            || !java.util.Objects.equals(truthy, want.get("truthy"))) {
          mismatches.add(rows.get(scopes.indexOf(scope)).category() + ": " + src + " -> "
              + Json.write(value) + " (" + truthy + "), Jinja2: " + Json.write(want.get("value"))
              + " (" + want.get("truthy") + ")");
        }
      }
    }
    assertThat(mismatches).as("expressions that differ from Jinja2").isEmpty();
    assertThat(i).isEqualTo(EXPRESSIONS.size() * rows.size());
  }

  private String runJinja2(String taskJson) throws Exception {
    Path script = dir.resolve("eval.py");
    Files.writeString(script, PYTHON);
    Process p = new ProcessBuilder("python3", script.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (var in = p.getOutputStream()) {
      in.write(taskJson.getBytes(StandardCharsets.UTF_8));
    }
    String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    return answer;
  }

  private static boolean jinja2Available() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import jinja2").start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
