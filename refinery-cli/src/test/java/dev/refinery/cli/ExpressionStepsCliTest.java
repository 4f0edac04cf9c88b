package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code filter: {where}} and {@code map: {set}} run as a user runs them, on generated data. */
class ExpressionStepsCliTest {
  @TempDir Path dir;

  private static final String STEPS = """
        steps:
          - map:
              set:
                category: "'multi_turn' if len(messages) > 2 else category"
                license: "'CC BY 4.0'"
                metadata.split: "category"
          - filter: {where: "category in ['multi_turn', 'math'] and messages[-1].content | length > 10"}
        """;

  @BeforeEach
  void data() {
    Cli gen = Cli.run("sample-data", "--out", dir.resolve("demo").toString(), "--rows", "400",
        "--file-format", "jsonl");
    assertThat(gen.status()).as(gen.err()).isZero();
  }

  private Path pipeline(String name, String steps, String out) throws Exception {
    Path yaml = dir.resolve(name);
    Files.writeString(yaml, "input: {path: demo/data}\n" + steps + "output: {path: " + out
        + ", format: jsonl}\nkeep_dropped: true\n");
    return yaml;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(Path folder) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          rows.add((Map<String, Object>) Json.parse(line));
        }
      }
    }
    return rows;
  }

  private static String rejects(Path folder) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.sorted().toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }

  @Test
  @SuppressWarnings("unchecked")
  void mapThenWhereKeepExactlyTheRowsTheExpressionsSayAndAccountForTheRest() throws Exception {
    Cli run = Cli.run("run", pipeline("p.yaml", STEPS, "out").toString(), "--workers", "2");
    assertThat(run.status()).as(run.err()).isZero();

    // The expected rows, computed here from the input without the interpreter.
    List<Map<String, Object>> input = rows(dir.resolve("demo/data"));
    // sample-data plants one row whose metadata is not JSON: metadata.split cannot be set there.
    long badMetadata = input.stream().filter(r -> r.get("metadata") != null
        && !(Json.parseOrNull((String) r.get("metadata")) instanceof Map<?, ?>)).count();
    assertThat(badMetadata).isEqualTo(1);
    long expected = input.stream().filter(r -> {
      if (r.get("metadata") != null
          && !(Json.parseOrNull((String) r.get("metadata")) instanceof Map<?, ?>)) {
        return false;
      }
      List<Map<String, Object>> m = (List<Map<String, Object>>) r.get("messages");
      String last = (String) m.get(m.size() - 1).get("content");
      return (m.size() > 2 || "math".equals(r.get("category")))
          && last != null && last.length() > 10;
    }).count();
    List<Map<String, Object>> out = rows(dir.resolve("out/data"));
    assertThat(out).hasSize((int) expected).isNotEmpty();
    assertThat(expected).isLessThan(input.size());
    for (Map<String, Object> r : out) {
      List<?> messages = (List<?>) r.get("messages");
      assertThat(r.get("category")).isEqualTo(messages.size() > 2 ? "multi_turn" : "math");
      assertThat(r.get("license")).isEqualTo("CC BY 4.0");
      Map<String, Object> meta = (Map<String, Object>) Json.parse((String) r.get("metadata"));
      assertThat(meta.get("split")).isIn("chat", "math", "tool_calling", "code", "stem");
    }

    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(dir.resolve("out/stats.json")));
    assertThat(stats).containsEntry("conserved", true)
        .containsEntry("dropped", (long) input.size() - expected);
    List<Map<String, Object>> steps = (List<Map<String, Object>>) stats.get("steps");
    assertThat(steps.get(0).get("name")).isEqualTo("map:category,license,metadata.split");
    assertThat((Map<String, Object>) steps.get(0).get("counted"))
        .containsEntry("changed_metadata", input.size() - badMetadata);
    assertThat(steps.get(0).get("dropped")).isEqualTo(Map.of("set_error", badMetadata));
    assertThat(steps.get(1).get("dropped"))
        .isEqualTo(Map.of("where_false", input.size() - badMetadata - expected));
    String kept = rejects(dir.resolve("out/rejects"));
    assertThat(kept).contains("\"reason\":\"where_false\"")
        .contains("\"reason\":\"set_error\",\"detail\":\"metadata.split: metadata is not a "
            + "JSON object\"");

    // The same input and spec give the same bytes with one worker as with two.
    Cli again = Cli.run("run", pipeline("q.yaml", STEPS, "out1").toString(), "--workers", "1");
    assertThat(again.status()).as(again.err()).isZero();
    try (Stream<Path> two = Files.list(dir.resolve("out/data"));
         Stream<Path> one = Files.list(dir.resolve("out1/data"))) {
      List<Path> a = two.sorted().toList();
      List<Path> b = one.sorted().toList();
      assertThat(b).hasSameSizeAs(a);
      for (int i = 0; i < a.size(); i++) {
        assertThat(Files.readAllBytes(b.get(i))).isEqualTo(Files.readAllBytes(a.get(i)));
      }
    }
  }

  @Test
  void aRowAnExpressionFailsOnIsDroppedWithTheErrorAndTheRunGoesOn() throws Exception {
    Cli run = Cli.run("run", pipeline("p.yaml", """
        steps:
          - filter: {where: "messages[0].content + 1 if category == 'code' else true"}
        """, "out").toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("(conserved)").contains("where_error=");
    assertThat(rejects(dir.resolve("out/rejects"))).contains("\"reason\":\"where_error\",\"detail\":"
        + "\"can only concatenate str (not \\\"int\\\") to str\"");
  }

  @Test
  void aSyntaxErrorStopsTheRunWithTheYamlLineKeyAndColumn() throws Exception {
    Path yaml = pipeline("p.yaml", """
        steps:
          - filter: {name: structure}
          - filter: {where: "len(messages)) > 2"}
        """, "out");
    Cli run = Cli.run("run", yaml.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + yaml + ":4 steps[1].filter.where: col 14: "
        + "unexpected ')'" + System.lineSeparator());
    assertThat(dir.resolve("out")).doesNotExist();

    Files.writeString(yaml, Files.readString(yaml).replace(
        "  - filter: {where: \"len(messages)) > 2\"}\n",
        "  - map:\n      set:\n        category: \"category | lenght\"\n"));
    run = Cli.run("run", yaml.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + yaml + ":6 steps[1].map.set.category: col 12: "
        + "no filter named 'lenght'" + System.lineSeparator());
  }

  @Test
  void stepsListsBothWithTheirParameters() {
    Cli steps = Cli.run("steps");
    assertThat(steps.status()).isZero();
    assertThat(steps.out()).contains("  map: set fields of each row", "      set ",
        "      drop ", "      where ");
  }
}
