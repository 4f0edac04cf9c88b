package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record of 100,000 nested arrays used to overflow the stack of every command (a
 * StackOverflowError and a thousand stack lines); now it is one bad record naming its line.
 */
class DeeplyNestedJsonTest {
  @TempDir Path dir;
  Path in;

  private static String row(String prompt) {
    return Json.write(Map.of("messages", List.of(Map.of("role", "user", "content", prompt),
        Map.of("role", "assistant", "content", "ok")))) + "\n";
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  @BeforeEach
  void writeInput() throws Exception {
    in = dir.resolve("in.jsonl");
    Files.writeString(in, row("one")
        + "{\"messages\": [{\"role\": \"user\", \"content\": \"two\"}], \"x\": " + nested(100_000)
        + "}\n" + row("three"));
  }

  private void assertNoStackTrace(Cli cli) {
    assertThat(cli.err()).doesNotContain("StackOverflowError").doesNotContain("\tat ");
  }

  @Test
  void statsAndValidateCountTheLineAsMalformedAndNameIt() {
    Cli stats = Cli.run("stats", in.toString(), "--json");
    assertNoStackTrace(stats);
    assertThat(stats.status()).as(stats.err()).isZero();
    assertThat(stats.err()).contains(in + ":2: invalid JSON: nested deeper than 1000 arrays");
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.parseOrNull(stats.out());
    assertThat(json).containsEntry("total_samples", 3L).containsEntry("malformed_samples", 1L);

    Cli validate = Cli.run("validate", in.toString());
    assertNoStackTrace(validate);
    assertThat(validate.status()).as(validate.err()).isZero();
    assertThat(validate.out()).contains("malformed           1");
    assertThat(validate.err()).contains(in + ":2: invalid JSON: nested deeper than 1000 arrays");
  }

  @Test
  void convertStopsWithOneLineOrSetsTheRecordAsideWithRejects() throws Exception {
    Cli stop = Cli.run("convert", "--to", "nemotron", in.toString(),
        dir.resolve("out.jsonl").toString());
    assertThat(stop.status()).isEqualTo(1);
    assertThat(stop.err()).startsWith("error: " + in + ":2: invalid JSON: nested deeper than "
        + "1000 arrays or objects").hasLineCount(1);

    Path rejects = dir.resolve("rejects.jsonl");
    Cli go = Cli.run("convert", "--to", "nemotron", "--rejects", rejects.toString(),
        in.toString(), dir.resolve("out.parquet").toString());
    assertNoStackTrace(go);
    assertThat(go.status()).as(go.err()).isZero();
    assertThat(go.out()).startsWith("read 3, written 2, rejected 1");
    List<String> set = Files.readAllLines(rejects);
    assertThat(set).hasSize(1);
    assertThat(set.get(0)).contains("\"line\":2")
        .contains("\"reason\":\"invalid JSON: nested deeper than 1000 arrays or objects\"");
  }

  @Test
  void aRunSetsTheRecordAsideAndGoesOn() throws Exception {
    Files.writeString(dir.resolve("p.yaml"), """
        input: {path: in.jsonl, format: openai}
        steps:
          - filter: {name: structure}
        output: {path: out, format: parquet}
        """);
    Cli run = Cli.run("run", dir.resolve("p.yaml").toString());
    assertNoStackTrace(run);
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("read 3 = written 2 + dropped 0 + rejected 1 (conserved)");
    try (var files = Files.list(dir.resolve("out/rejects"))) {
      String rejected = String.join("\n", files.map(f -> {
        try {
          return Files.readString(f);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList());
      assertThat(rejected).contains("\"line\":2").contains("nested deeper than 1000");
    }
  }

  /**
   * Just under the limit the reader accepts the record, and Parquet's schema (three levels per
   * list) must not overflow either: deep values are kept as JSON text and read back the same.
   */
  @Test
  void aRecordJustUnderTheLimitRoundTripsThroughParquet() throws Exception {
    Path deep = dir.resolve("deep.jsonl");
    Files.writeString(deep, row("one") + "{\"messages\": [{\"role\": \"user\", \"content\": "
        + "\"two\"}, {\"role\": \"assistant\", \"content\": \"ok\"}], \"x\": {\"y\": "
        + nested(990) + "}}\n");
    Path parquet = dir.resolve("deep.parquet");
    Cli there = Cli.run("convert", "--to", "nemotron", deep.toString(), parquet.toString());
    assertNoStackTrace(there);
    assertThat(there.status()).as(there.err()).isZero();
    Path back = dir.resolve("back.jsonl");
    Cli again = Cli.run("convert", "--to", "openai", parquet.toString(), back.toString());
    assertThat(again.status()).as(again.err()).isZero();
    String line = Files.readAllLines(back).get(1);
    assertThat(line).contains("\"x\":{\"y\":" + nested(990) + "}");
  }
}
