package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.run.Runner;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consistency step in real YAML runs over real graded MATH generations (NeMo-Skills) with
 * synthetic extra responses, the groups spread over several input files (partitions).
 */
class ConsistencyStepTest {
  @TempDir Path dir;

  private static Sample response(String uuid, String prompt, String answer, String meta) {
    return Sample.builder().uuid(uuid).category("math").reasoning("off")
        .messages(List.of(Message.of("user", prompt), Message.of("assistant", answer)))
        .metadata(meta).build();
  }

  private static void write(Path file, List<Sample> samples) {
    try (SampleWriter w = SampleWriter.create(file, Formats.nemotron())) {
      samples.forEach(w::write);
    }
  }

  /** The 50 real generations in file 0, two responses boxing the reference in files 1 and 2. */
  @SuppressWarnings("unchecked")
  private Map<String, Boolean> realGenerations(Path in) throws Exception {
    Files.createDirectories(in);
    List<List<Sample>> files = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Map<String, Boolean> correct = new TreeMap<>();
    int i = 0;
    for (String line : Files.readAllLines(
        TestData.file("nemo-skills-samples/math_generations_rs0_50.jsonl"))) {
      Map<String, Object> r = (Map<String, Object>) Json.parse(line);
      String problem = (String) r.get("problem");
      String expected = String.valueOf(r.get("expected_answer"));
      files.get(0).add(response("real-" + i, problem, (String) r.get("generation"), "{}"));
      files.get(1).add(response("synth-a-" + i, problem,
          "Working through it step by step.\n\nThe answer is $\\boxed{" + expected + "}$.", "{}"));
      files.get(2).add(response("synth-b-" + i, "  " + problem + "\n",
          "<think>\nMaybe \\boxed{0}?\n</think>\n\nSo the answer is $\\boxed{" + expected + "}$.",
          "{}"));
      correct.put("real-" + i, Boolean.TRUE.equals(r.get("symbolic_correct")));
      i++;
    }
    for (int f = 0; f < 3; f++) {
      write(in.resolve("part-" + f + ".jsonl"), files.get(f));
    }
    return correct;
  }

  private PipelineSpec spec(String name, Path in, String step) throws Exception {
    Path yaml = dir.resolve(name + ".yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - consistency: %s
        output: {path: %s, format: jsonl, shards: 2}
        keep_dropped: true
        """.formatted(in, step, dir.resolve(name)));
    return PipelineSpec.read(yaml);
  }

  private static Runner.Result run(PipelineSpec spec, int workers) {
    return Runner.local().run(Pipeline.compile(spec),
        new Runner.Options(workers, false, Runner.Progress.NONE));
  }

  private List<String> keptUuids(String name) {
    List<String> out = new ArrayList<>();
    for (InputFile f : Inputs.resolve(dir.resolve(name).resolve("data").toString())) {
      try (SampleReader r = SampleReader.open(f, Formats.nemotron(), RejectHandler.FAIL)) {
        r.forEachRemaining(s -> out.add(s.uuid()));
      }
    }
    return out;
  }

  /** uuid to drop reason, from the rejects files keep_dropped writes. */
  @SuppressWarnings("unchecked")
  private Map<String, String> dropReasons(String name) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir.resolve(name).resolve("rejects"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("dropped"))
          .toList()) {
        for (String line : Files.readAllLines(f)) {
          Map<String, Object> m = (Map<String, Object>) Json.parse(line);
          Map<String, Object> sample = (Map<String, Object>) m.get("sample");
          out.put((String) sample.get("uuid"), (String) m.get("reason"));
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> votes(String name) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve(name).resolve(ConsistencyStep.VOTES))) {
      out.add((Map<String, Object>) Json.parse(line));
    }
    return out;
  }

  @Test
  void realGenerationsSurviveExactlyWhenNemoSkillsJudgedThemCorrect() throws Exception {
    Path in = dir.resolve("in");
    Map<String, Boolean> correct = realGenerations(in);
    long nCorrect = correct.values().stream().filter(c -> c).count();

    Runner.Result r = run(spec("a", in, "{min_agreement: 0.6, min_responses: 2}"), 2);

    // Every group's majority is the reference: both synthetic responses stay, and the real one
    // stays exactly when it agrees with the reference.
    List<String> kept = keptUuids("a");
    assertThat(kept).hasSize(100 + (int) nCorrect);
    correct.forEach((uuid, ok) -> assertThat(kept.contains(uuid)).as(uuid).isEqualTo(ok));
    Map<String, String> reasons = dropReasons("a");
    assertThat(reasons).hasSize(50 - (int) nCorrect);
    assertThat(reasons.values()).containsOnly(ConsistencyStep.DISAGREES,
        ConsistencyStep.NO_ANSWER).contains(ConsistencyStep.DISAGREES);
    assertThat(r.conserved()).isTrue();
    assertThat(r.read()).isEqualTo(150);

    List<Map<String, Object>> votes = votes("a");
    assertThat(votes).hasSize(50);
    assertThat(votes).allSatisfy(v -> assertThat(v).containsEntry("decision", "kept")
        .containsEntry("responses", 3L));
    // Groups in order of their first row: the real generations of file 0, named by row id
    // (a JSON Lines row's position is its line's byte offset).
    RowId previous = null;
    for (Map<String, Object> vote : votes) {
      RowId first = RowId.parse((String) vote.get("first_row"));
      assertThat(first.file()).isZero();
      if (previous != null) {
        assertThat(first).isGreaterThan(previous);
      }
      previous = first;
    }
    assertThat(votes.stream().mapToLong(v -> (Long) v.get("votes")).sum())
        .isEqualTo(100 + nCorrect);

    StepStats step = r.steps().get(0);
    assertThat(step.name()).isEqualTo("consistency@prompt");
    assertThat(step.out()).isEqualTo(100 + nCorrect);
  }

  @Test
  void eachKindOfGroupIsDecidedWithItsReasonGroupedByANestedMetadataKey() throws Exception {
    Path in = dir.resolve("kinds");
    Files.createDirectories(in);
    String prompt = "What is 1/2 + 1/4?";
    List<Sample> first = new ArrayList<>();
    List<Sample> second = new ArrayList<>();
    // Group A: 3 of 4 agree on 3/4 in different notations.
    first.add(response("a0", prompt, "\\boxed{3/4}", meta("A")));
    second.add(response("a1", prompt, "So $\\boxed{0.75}$.", meta("A")));
    first.add(response("a2", prompt, "\\boxed{\\dfrac{3}{4}}", meta("A")));
    second.add(response("a3", prompt, "\\boxed{2}", meta("A")));
    // Group B: the best answer has 2 of 5 votes.
    for (int i = 0; i < 5; i++) {
      (i % 2 == 0 ? first : second).add(response("b" + i, prompt,
          "\\boxed{" + new int[] {7, 7, 8, 9, 10}[i] + "}", meta("B")));
    }
    // Group C: a single response.
    first.add(response("c0", prompt, "\\boxed{1}", meta("C")));
    // Group D: nobody boxed an answer (a box only in the trace does not count).
    first.add(response("d0", prompt, "It is three quarters.", meta("D")));
    second.add(response("d1", prompt, "<think>\n\\boxed{3/4}\n</think>\n\nThree quarters.",
        meta("D")));
    // Group E: 2 of 3 agree; the third has no answer.
    first.add(response("e0", prompt, "\\boxed{5}", meta("E")));
    second.add(response("e1", prompt, "I am not sure.", meta("E")));
    second.add(response("e2", prompt, "\\boxed{5.0}", meta("E")));
    // No key at all.
    second.add(response("x0", prompt, "\\boxed{5}", "{\"source\": \"elsewhere\"}"));
    write(in.resolve("1.jsonl"), first);
    write(in.resolve("2.jsonl"), second);

    Runner.Result r = run(spec("k", in, "{key: metadata.generation.prompt_uuid, "
        + "min_agreement: 0.6, min_responses: 2}"), 2);

    assertThat(keptUuids("k")).containsExactlyInAnyOrder("a0", "a1", "a2", "e0", "e2");
    assertThat(dropReasons("k")).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("a3", ConsistencyStep.DISAGREES),
        Map.entry("b0", ConsistencyStep.LOW_AGREEMENT),
        Map.entry("b1", ConsistencyStep.LOW_AGREEMENT),
        Map.entry("b2", ConsistencyStep.LOW_AGREEMENT),
        Map.entry("b3", ConsistencyStep.LOW_AGREEMENT),
        Map.entry("b4", ConsistencyStep.LOW_AGREEMENT),
        Map.entry("c0", ConsistencyStep.TOO_FEW),
        Map.entry("d0", ConsistencyStep.NO_ANSWER),
        Map.entry("d1", ConsistencyStep.NO_ANSWER),
        Map.entry("e1", ConsistencyStep.NO_ANSWER),
        Map.entry("x0", ConsistencyStep.NO_KEY)));
    assertThat(r.conserved()).isTrue();

    Map<String, Map<String, Object>> byDecision = new TreeMap<>();
    List<Map<String, Object>> votes = votes("k");
    assertThat(votes).hasSize(5);
    votes.forEach(v -> byDecision.put((String) v.get("decision") + v.get("responses"), v));
    assertThat(byDecision.get("kept4")).containsEntry("answer", "3/4")
        .containsEntry("votes", 3L).containsEntry("agreement", 0.75).containsEntry("kept", 3L);
    assertThat(byDecision.get("low_agreement5")).containsEntry("answer", "7")
        .containsEntry("votes", 2L).containsEntry("kept", 0L);
    assertThat(byDecision.get("too_few_responses1")).containsEntry("kept", 0L);
    assertThat(byDecision.get("no_answer2")).containsEntry("answered", 0L)
        .containsEntry("answer", null);
    assertThat(byDecision.get("kept3")).containsEntry("answered", 2L)
        .containsEntry("kept", 2L);

    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(dir.resolve("k").resolve("stats.json")));
    assertThat(Json.write(stats)).contains("\"groups_kept\":2")
        .contains("\"rows_without_key\":1");
  }

  private static String meta(String prompt) {
    return Json.write(Map.of("generation", Map.of("prompt_uuid", "p-" + prompt,
        "sample_index", 0)));
  }

  @Test
  void oneAndFourWorkersWriteTheSameBytesWhateverTheSortBudget() throws Exception {
    Path in = dir.resolve("in");
    realGenerations(in);
    String step = "{min_agreement: 0.9, min_responses: 3}";
    run(spec("w1", in, step), 1);
    Runner.local().run(Pipeline.compile(spec("w4", in, step)),
        new Runner.Options(4, false, Runner.Progress.NONE).withSortMemory(2_000));
    for (String f : List.of("data/train-00000-of-00002.jsonl", "data/train-00001-of-00002.jsonl",
        ConsistencyStep.VOTES)) {
      assertThat(Files.readAllBytes(dir.resolve("w4").resolve(f)))
          .as(f).isEqualTo(Files.readAllBytes(dir.resolve("w1").resolve(f)));
    }
    // At 0.9, a group whose real generation disagrees (2 of 3) goes entirely.
    assertThat(votes("w1")).anySatisfy(v -> assertThat(v)
        .containsEntry("decision", ConsistencyStep.LOW_AGREEMENT));
  }

  @Test
  void theStepSerializesForAClusterRunnerAndEmitsTheSameRecordsAfterwards() throws Exception {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    write(in.resolve("1.jsonl"), List.of(response("u", "What is 2+2?", "\\boxed{4}", "{}")));
    Pipeline p = Pipeline.compile(spec("s", in, "{key: metadata.generation.prompt_uuid}"));
    ConsistencyStep step = (ConsistencyStep) p.steps().get(0);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(step);
    }
    ConsistencyStep back;
    try (java.io.ObjectInputStream read = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      back = (ConsistencyStep) read.readObject();
    }
    List<Sample> rows = List.of(
        response("u", "q", "\\boxed{4}", meta("Q")).withId(RowId.of(0, 0)),
        response("v", "q", "no box", meta("Q")).withId(RowId.of(0, 1)),
        response("w", "q", "\\boxed{4}", "{}").withId(RowId.of(0, 2)));
    assertThat(records(back, rows)).isEqualTo(records(step, rows)).hasSize(3);
    assertThat(records(step, rows).get(0)).endsWith(":" + Arrays.toString(
        ("\u00014").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static List<String> records(KeyedStep step, List<Sample> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> step.emit(r, (high, low, value) -> out.add(high + "," + low + ":"
        + Arrays.toString(value))));
    return out;
  }

  @Test
  void badSettingsFailBeforeAnyWorkNamingTheYamlLine() throws Exception {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    write(in.resolve("1.jsonl"), List.of(response("u", "What is 2+2?", "\\boxed{4}", "{}")));
    assertThatThrownBy(() -> Pipeline.compile(spec("b1", in, "{min_agreement: 1.5}")))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("b1.yaml:3").hasMessageContaining("min_agreement")
        .hasMessageContaining("from 0 to 1");
    assertThatThrownBy(() -> Pipeline.compile(spec("b2", in, "{min_responses: 0}")))
        .hasMessageContaining("b2.yaml:3").hasMessageContaining("min_responses");
    assertThatThrownBy(() -> Pipeline.compile(spec("b3", in, "{key: answer}")))
        .hasMessageContaining("b3.yaml:3").hasMessageContaining(".key: unknown key 'answer'");
    assertThatThrownBy(() -> Pipeline.compile(spec("b4", in, "{min_agreemnt: 0.5}")))
        .hasMessageContaining("b4.yaml:3").hasMessageContaining("min_agreemnt");
    assertThat(dir.resolve("b1")).doesNotExist();
  }
}
