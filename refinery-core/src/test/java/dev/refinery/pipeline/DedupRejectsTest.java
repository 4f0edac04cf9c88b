package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import dev.refinery.run.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A row dropped by a dedup step names, in rejects/, the row kept in its place. */
class DedupRejectsTest {
  @TempDir static Path input;
  @TempDir Path dir;

  /**
   * Three input files (three partitions), duplicates across them: exact duplicates by prompt
   * (e2, e3 of e0; e4 of e1), then near-duplicate answers (f1, f2 of f0).
   */
  @BeforeAll
  static void write() throws IOException {
    String base = words(1, 120);
    Files.writeString(input.resolve("a.jsonl"),
        row("e0", "What is the capital of France?", words(2, 40))
            + row("e1", "Name three primary colors.", words(3, 40))
            + row("f0", "Tell me a long story.", base));
    Files.writeString(input.resolve("b.jsonl"),
        row("e2", "What is the capital of France?", words(4, 40))
            + row("f1", "Tell me another long story.", changeWord(base, 60))
            + row("e3", "  what is the CAPITAL of France?  ", words(5, 40)));
    Files.writeString(input.resolve("c.jsonl"),
        row("u9", "Something else entirely?", words(6, 40))
            + row("e4", "Name three primary colors.", words(7, 40))
            + row("f2", "And a third story, please.", changeWord(base, 90)));
  }

  private static String row(String uuid, String prompt, String answer) {
    return Json.write(Map.of("uuid", uuid, "messages", List.of(
        Map.of("role", "user", "content", prompt),
        Map.of("role", "assistant", "content", answer)))) + "\n";
  }

  private static String words(long seed, int n) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w.add("w" + random.nextInt(100_000));
    }
    return String.join(" ", w);
  }

  private static String changeWord(String text, int index) {
    String[] w = text.split(" ");
    w[index] = "changed";
    return String.join(" ", w);
  }

  private Path run(String name, int workers, boolean keepDropped) {
    PipelineSpec spec = PipelineSpec.parse(name + ".yaml", """
        input: {path: %s, format: nemotron}
        steps:
          - exact_dedup: {key: prompt}
          - fuzzy_dedup: {key: answer, threshold: 0.8}
        output: {path: %s, format: jsonl, shards: 1}
        keep_dropped: %s
        seed: 1
        """.formatted(input, dir.resolve(name), keepDropped), dir);
    Runner.Result r = Runner.local().run(Pipeline.compile(spec),
        new Runner.Options(workers, false, Runner.Progress.NONE));
    assertThat(r.conserved()).isTrue();
    assertThat(r.dropped()).isEqualTo(5);
    return dir.resolve(name);
  }

  /** uuid of each dropped row to its record's step and detail. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> drops(Path run) throws IOException {
    Map<String, String> drops = new TreeMap<>();
    for (String line : rejectLines(run)) {
      Map<String, Object> record = (Map<String, Object>) Json.parse(line);
      Map<String, Object> sample = (Map<String, Object>) record.get("sample");
      drops.put((String) sample.get("uuid"), record.get("step") + ": " + record.get("detail"));
    }
    return drops;
  }

  private static List<String> rejectLines(Path run) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(run.resolve("rejects"))) {
      for (Path f : files.sorted().toList()) {
        lines.addAll(Files.readAllLines(f));
      }
    }
    return lines;
  }

  @Test
  void eachDroppedDuplicateNamesTheFirstRowOfItsGroup() throws IOException {
    Map<String, String> drops = drops(run("one", 1, true));

    assertThat(drops).containsOnlyKeys("e2", "e3", "e4", "f1", "f2");
    assertThat(drops).containsEntry("e2", "exact_dedup@prompt: duplicate of e0")
        .containsEntry("e3", "exact_dedup@prompt: duplicate of e0")
        .containsEntry("e4", "exact_dedup@prompt: duplicate of e1");
    assertThat(drops.get("f1")).matches(
        "fuzzy_dedup@answer: duplicate of f0 \\(estimated similarity 0\\.9\\d\\)");
    assertThat(drops.get("f2")).matches(
        "fuzzy_dedup@answer: duplicate of f0 \\(estimated similarity 0\\.9\\d\\)");
  }

  @Test
  void aRowLinkedThroughAnotherSaysSoBesideItsSimilarity() throws IOException {
    // b is near a and c near b, but c is further from a than the threshold: one cluster kept as a.
    String a = words(11, 120);
    String b = changeWord(changeWord(changeWord(a, 10), 50), 90);
    String c = changeWord(changeWord(changeWord(b, 30), 70), 110);
    Path chain = Files.createDirectories(dir.resolve("chain"));
    Files.writeString(chain.resolve("a.jsonl"), row("a", "first", a) + row("b", "second", b)
        + row("c", "third", c));
    PipelineSpec spec = PipelineSpec.parse("chain.yaml", """
        input: {path: %s, format: nemotron}
        steps:
          - fuzzy_dedup: {key: answer, threshold: 0.8}
        output: {path: %s, format: jsonl, shards: 1}
        keep_dropped: true
        """.formatted(chain, dir.resolve("chain-run")), dir);
    Runner.local().run(Pipeline.compile(spec),
        new Runner.Options(1, false, Runner.Progress.NONE));

    Map<String, String> drops = drops(dir.resolve("chain-run"));
    assertThat(drops).containsOnlyKeys("b", "c");
    assertThat(drops.get("b")).matches(
        "fuzzy_dedup@answer: duplicate of a \\(estimated similarity 0\\.[89]\\d\\)");
    assertThat(drops.get("c")).matches("fuzzy_dedup@answer: duplicate of a \\(estimated "
        + "similarity 0\\.[0-7]\\d, linked through other rows of its cluster\\)");
  }

  @Test
  void theSameRecordsForAnyNumberOfWorkers() throws IOException {
    List<String> one = rejectLines(run("w1", 1, true));
    List<String> three = rejectLines(run("w3", 3, true));

    assertThat(three).hasSize(5).isEqualTo(one);
  }

  @Test
  void withoutKeepDroppedDuplicatesStayOutOfRejects() throws IOException {
    Path run = run("lean", 2, false);

    assertThat(rejectLines(run)).isEmpty();
    List<Object> kept = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("data/train-00000-of-00001.jsonl"))) {
      kept.add(((Map<?, ?>) Json.parse(line)).get("uuid"));
    }
    assertThat(kept).containsExactly("e0", "e1", "f0", "u9");
  }

  @Test
  @SuppressWarnings("unchecked")
  void fuzzyCountsAPairVerifiedInSeveralBandsOnce() throws IOException {
    Path run = run("report", 2, false);

    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(run.resolve("stats.json")));
    Map<String, Object> report = null;
    for (Object step : (List<Object>) stats.get("global_steps")) {
      Map<String, Object> s = (Map<String, Object>) step;
      if ("fuzzy_dedup@answer".equals(s.get("step"))) {
        report = (Map<String, Object>) s.get("report");
      }
    }
    assertThat(report).isNotNull();
    assertThat(report.keySet()).containsExactly("samples", "without_text", "candidate_pairs",
        "verified_pairs", "clusters", "cluster_sizes", "dropped", "seconds");
    // f1 and f2 each share most of the 14 bands' buckets with f0, and match it in each.
    assertThat(((Number) report.get("candidate_pairs")).longValue()).isGreaterThan(10);
    assertThat(((Number) report.get("verified_pairs")).longValue()).isEqualTo(2);
    assertThat(((Number) report.get("clusters")).longValue()).isEqualTo(1);
    assertThat((Map<String, Object>) report.get("cluster_sizes")).containsOnlyKeys("3");
    assertThat(((Number) report.get("dropped")).longValue()).isEqualTo(2);
    assertThat(((Number) report.get("samples")).longValue()).isEqualTo(6);
  }
}
