package dev.refinery.template.jinja;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.RefineryException;
import dev.refinery.internal.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Compares the engine with golden renders by Python Jinja2 3.1.6 configured like transformers
 * (src/test/python/render_goldens.py writes the fixtures).
 */
class JinjaGoldenTest {
  static final Supplier<ZonedDateTime> FIXED_NOW =
      () -> ZonedDateTime.of(2024, 7, 26, 12, 0, 0, 0, ZoneOffset.UTC);

  @SuppressWarnings("unchecked")
  static Map<String, Object> fixture(String name) throws Exception {
    try (InputStream in = JinjaGoldenTest.class.getResourceAsStream("/jinja/" + name)) {
      return (Map<String, Object>) Json.parse(new String(in.readAllBytes(),
          StandardCharsets.UTF_8));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void snippetsMatchPythonJinja2() throws Exception {
    List<Map<String, Object>> cases =
        (List<Map<String, Object>>) fixture("snippet_goldens.json").get("cases");
    List<String> failures = new ArrayList<>();
    int errors = 0;
    for (Map<String, Object> c : cases) {
      String name = (String) c.get("name");
      String expected = (String) c.get("expected");
      String actual;
      try {
        actual = new Template((String) c.get("template"), FIXED_NOW)
            .renderText((Map<String, Object>) c.get("vars"));
      } catch (JinjaException e) {
        if (expected == null) {
          errors++;
          continue;
        }
        failures.add(name + ": failed with " + e.getMessage() + "; expected "
            + Py.repr(expected));
        continue;
      }
      if (expected == null) {
        failures.add(name + ": rendered " + Py.repr(actual) + " but Jinja2 failed with "
            + c.get("error"));
      } else if (!expected.equals(actual)) {
        failures.add(name + ": got " + Py.repr(actual) + " expected " + Py.repr(expected));
      }
    }
    System.out.println("snippets: " + (cases.size() - failures.size()) + "/" + cases.size()
        + " match (" + errors + " expected errors raised)");
    assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
    assertThat(failures).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void chatTemplatesMatchPythonJinja2() throws Exception {
    Map<String, Object> f = fixture("chat_goldens.json");
    Map<String, Map<String, Object>> templates =
        (Map<String, Map<String, Object>>) f.get("templates");
    Map<String, List<Map<String, Object>>> conversations =
        (Map<String, List<Map<String, Object>>>) f.get("conversations");
    List<Object> tools = (List<Object>) f.get("tools");
    List<Map<String, Object>> cases = (List<Map<String, Object>>) f.get("cases");
    List<String> failures = new ArrayList<>();
    int errors = 0;
    for (Map<String, Object> c : cases) {
      String tname = (String) c.get("template");
      Map<String, Object> t = templates.get(tname);
      JinjaChatTemplate template = JinjaChatTemplate.of(tname, (String) t.get("source"),
          (Map<String, Object>) t.get("tokens"), tname, FIXED_NOW);
      String id = tname + "/" + c.get("conversation") + " agp=" + c.get("add_generation_prompt")
          + " tools=" + c.get("tools") + " " + c.get("kwargs");
      String expected = (String) c.get("expected");
      String actual;
      try {
        actual = template.render(conversations.get((String) c.get("conversation")),
            Boolean.TRUE.equals(c.get("tools")) ? tools : null,
            Boolean.TRUE.equals(c.get("add_generation_prompt")),
            (Map<String, Object>) c.get("kwargs"));
      } catch (RefineryException e) {
        if (expected == null) {
          errors++;
          continue;
        }
        failures.add(id + ": failed with " + e.getMessage());
        continue;
      }
      if (expected == null) {
        failures.add(id + ": rendered but Jinja2 failed with " + c.get("error"));
      } else if (!expected.equals(actual)) {
        failures.add(id + ": got\n" + Py.repr(actual) + "\nexpected\n" + Py.repr(expected));
      }
    }
    System.out.println("chat goldens: " + (cases.size() - failures.size()) + "/" + cases.size()
        + " match (" + errors + " expected errors raised)");
    assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
    assertThat(failures).isEmpty();
  }
}
