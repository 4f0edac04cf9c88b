package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  @TempDir Path dir;

  private static String row(String uuid, String prompt, String answer) {
    return Json.write(Map.of("uuid", uuid, "category", "math", "reasoning", "off",
        "messages", List.of(Map.of("role", "user", "content", prompt),
            Map.of("role", "assistant", "content", answer)))) + "\n";
  }

  @Test
  @SuppressWarnings("unchecked")
  void aPipelineDropsDuplicatesAndBenchmarkItemsAndAccountsForEveryRow() throws Exception {
    Path gsm8k = TestData.file("gsm8k/test.jsonl");
    List<String> questions = new ArrayList<>();
    for (String line : Files.readAllLines(gsm8k).subList(0, 3)) {
      questions.add((String) ((Map<String, Object>) Json.parse(line)).get("question"));
    }
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      input.append(row("u" + i, "Compute the sum of " + i + " and " + (i * 7) + " please, "
          + "showing each step of the work in detail.", "The answer is \\boxed{" + (i * 8) + "}."));
    }
    input.append(row("dup", "Compute the sum of 1 and 7 please, showing each step of the work "
        + "in detail.", "Again: \\boxed{8}."));
    for (int i = 0; i < questions.size(); i++) {
      input.append(row("leak" + i, questions.get(i), "\\boxed{1}"));
    }
    input.append("not json\n");
    Files.writeString(dir.resolve("in.jsonl"), input);
    Files.writeString(dir.resolve("p.yaml"), """
        input: {path: in.jsonl, format: nemotron}
        steps:
          - filter: {name: math_answer}
          - exact_dedup: {key: prompt}
          - decontaminate: {benchmarks: [%s]}
        output: {path: out, format: jsonl, shards: 2}
        """.formatted(gsm8k));

    Cli run = Cli.run("run", dir.resolve("p.yaml").toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("read 45 = written 40 + dropped 4 + rejected 1 (conserved)");
    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(dir.resolve("out/stats.json")));
    List<Map<String, Object>> steps = (List<Map<String, Object>>) stats.get("steps");
    assertThat(steps.get(1)).containsEntry("name", "exact_dedup@prompt")
        .containsEntry("dropped", Map.of("exact_duplicate", 1L));
    assertThat(steps.get(2)).containsEntry("name", "decontaminate")
        .containsEntry("dropped", Map.of("contaminated:gsm8k/test", 3L));
    String keptAside = Files.readString(dir.resolve("out/rejects/dropped-s1-00000.jsonl"));
    // Without keep_dropped, contaminated rows are still reported with the item they matched.
    assertThat(keptAside.lines()).hasSize(3).allMatch(l -> l.contains("\"detail\":\"gsm8k/test item"))
        .anyMatch(l -> l.contains("\"uuid\":\"leak0\""));
    assertThat(dir.resolve("out/rejects/dropped-s0-00000.jsonl")).doesNotExist();
  }

  @Test
  void aBadSpecFailsBeforeAnyWorkNamingTheLine() throws Exception {
    Files.writeString(dir.resolve("p.yaml"), """
        input: {path: missing/}
        output: {path: out}
        """);
    Cli missing = Cli.run("run", dir.resolve("p.yaml").toString());
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).contains("p.yaml:1 input.path: ").contains("no such file or folder");

    Files.writeString(dir.resolve("in.jsonl"), row("a", "q", "a"));
    Files.writeString(dir.resolve("p.yaml"), """
        input: {path: in.jsonl}
        steps:
          - filter: {name: gopher_quality, max_avg_word_lenght: 3}
        output: {path: out}
        """);
    Cli run = Cli.run("run", dir.resolve("p.yaml").toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().strip()).startsWith("error: ").contains("p.yaml:3 steps[0].filter")
        .contains("unknown parameter 'max_avg_word_lenght'").contains("max_avg_word_length")
        .doesNotContain("\n");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aBlendPrintsItsRepeatsInTheConservationLineAndWritesItsManifest() throws Exception {
    dev.refinery.demo.SampleData.write(dir.resolve("in"),
        dev.refinery.demo.SampleData.Spec.of(400, 3));
    Files.writeString(dir.resolve("p.yaml"), """
        input: {path: in}
        steps:
          - blend: {weights: {math: 1, chat: 1}, total_samples: 300}
        output: {path: out, format: jsonl}
        seed: 4
        """);
    Cli run = Cli.run("run", dir.resolve("p.yaml").toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern(
        "read 400 \\+ repeated \\d+ = written 300 \\+ dropped \\d+ \\+ rejected 0 \\(conserved\\)")
        .containsPattern("blend@category .*not_in_blend=\\d+")
        .containsPattern("repeated=\\d+ \\(extra copies passed on\\)")
        .contains("manifest.json, blend_manifest.json)");
    assertThat(Files.readString(dir.resolve("out/blend_manifest.json")))
        .contains("\"group\":\"math\"", "\"realized_samples\":150", "\"seed\":4");
  }

  @Test
  void stepsDescribesEveryStepAndFilter() {
    Cli steps = Cli.run("steps");
    assertThat(steps.status()).isZero();
    assertThat(steps.out()).contains("exact_dedup:", "fuzzy_dedup:", "blend:", "decontaminate:",
        "gopher_quality", "word_count", "structure", "threshold");
  }
}
