package dev.refinery.pipeline;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.ok;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.demo.SampleData;
import dev.refinery.filter.Params;
import dev.refinery.generate.FakeChatServer;
import dev.refinery.internal.Json;
import dev.refinery.run.Runner;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeStepTest {
  private static final Path BASE = Path.of("/tmp");
  private static final String KEY = "sk-judge-4b3a2f1e0d-secret";
  private static final JudgeStep.Environment ENV = Map.of("JUDGE_TEST_KEY", KEY)::get;
  /** The grade a sample asks for rides in its answer ("answer 7"): the judge below reads it. */
  private static final Pattern WANTED = Pattern.compile("answer (\\d+)");

  private final FakeChatServer server = new FakeChatServer();
  private final List<String> drops = Collections.synchronizedList(new ArrayList<>());
  private final List<String> counted = Collections.synchronizedList(new ArrayList<>());


  @AfterEach
  void stop() {
    server.close();
  }

  private static PipelineSpec spec(String params) {
    return PipelineSpec.parse("p.yaml", """
        input: {path: in}
        steps:
          - judge: %s
        output: {path: out}
        """.formatted(params), BASE);
  }

  private JudgeStep step(String extra) {
    PipelineSpec.StepSpec s = spec("{endpoint: \"" + server.baseUrl() + "\", model: judge-m, "
        + "api_key_env: JUDGE_TEST_KEY, rubric: \"Correct and concise.\", min_grade: 7"
        + (extra.isEmpty() ? "" : ", " + extra) + "}").steps().get(0);
    return JudgeStep.create(Params.resolve(JudgeStep.PARAMS, s.params(), s.where()), s.where(),
        ENV);
  }

  private static Object compile(String params) {
    PipelineSpec spec = spec(params);
    return StepTypes.compile(spec.steps().get(0), BASE);
  }

  private static Sample row(String uuid, String answer) {
    return Sample.builder().uuid(uuid).metadata("{\"source\": \"t\"}").messages(List.of(
        Message.of(Message.USER, "question " + uuid),
        Message.of(Message.ASSISTANT, "<think>secret trace " + uuid + "</think>" + answer)))
        .build();
  }

  private List<Sample> run(MapStep step, List<Sample> in) {
    List<Sample> out = new ArrayList<>();
    Iterator<Sample> it = step.apply(in.iterator(), new StepContext() {
      @Override
      public int partition() {
        return 0;
      }

      @Override
      public long seed() {
        return 0;
      }

      @Override
      public void drop(Sample sample, String reason, String detail) {
        drops.add(sample.uuid() + ":" + reason + ":" + detail);
      }

      @Override
      public void count(String what) {
        counted.add(what);
      }
    });
    it.forEachRemaining(out::add);
    return out;
  }

  /** A judge that grades each answer "answer N" with N, after a delay that scrambles finishes. */
  private static FakeChatServer.Reply gradingJudge() {
    return exchange -> {
      String body = FakeChatServer.requestBody(exchange);
      Matcher m = WANTED.matcher(body);
      int wanted = m.find() ? Integer.parseInt(m.group(1)) : 0;
      Thread.sleep(5L * ((wanted * 7) % 11));
      ok(completion("The answer is fine.\nGRADE: " + wanted, null)).answer(exchange);
    };
  }

  @Test
  void keepsGradesAtLeastMinGradeAndDropsTheRestWithTheGrade() throws Exception {
    server.otherwise(gradingJudge());
    List<Sample> kept = run(step(""), List.of(row("a", "answer 9"), row("b", "answer 7"),
        row("c", "answer 3")));
    assertThat(kept).extracting(Sample::uuid).containsExactly("a", "b");
    assertThat(drops).containsExactly("c:judge_low_grade:grade 3 < min_grade 7");
    // Kept rows pass on unchanged (no score_only).
    assertThat(kept.get(0)).isEqualTo(row("a", "answer 9"));

    Map<?, ?> request = (Map<?, ?>) Json.parse(server.bodies().get(0));
    assertThat(request.get("model")).isEqualTo("judge-m");
    assertThat(((Number) request.get("temperature")).doubleValue()).isZero();
    assertThat(((Number) request.get("max_tokens")).intValue()).isEqualTo(512);
    String sent = (String) ((Map<?, ?>) ((List<?>) request.get("messages")).get(0)).get("content");
    assertThat(sent).contains("Correct and concise.", "question ", "answer ", "GRADE: <a number "
        + "from 0 to 10>").doesNotContain("secret trace");
  }

  @Test
  void includeTraceShowsTheJudgeTheTrace() {
    server.otherwise(gradingJudge());
    run(step("include_trace: true"), List.of(row("a", "answer 9")));
    assertThat(server.bodies().get(0)).contains("secret trace a");
  }

  @Test
  void scoreOnlyKeepsEveryGradedRowAndWritesTheGradeIntoMetadata() throws Exception {
    server.otherwise(gradingJudge());
    List<Sample> kept = run(step("score_only: true"),
        List.of(row("a", "answer 9"), row("c", "answer 3")));
    assertThat(drops).isEmpty();
    assertThat(kept).extracting(Sample::uuid).containsExactly("a", "c");
    Map<?, ?> meta = (Map<?, ?>) Json.parse(kept.get(1).metadata());
    assertThat(meta.get("source")).isEqualTo("t");
    assertThat(meta.get("refinery_scores")).isEqualTo(Map.of("judge", Map.of("grade", 3.0)));
  }

  @Test
  void unparseableRepliesAreDroppedWithTheReply() {
    server.then(ok(completion("Looks good to me!", null)),
        ok(completion("GRADE: 12", null)),
        ok(completion("Reasoning...\n**Grade:** 8/10", null)));
    List<Sample> kept = run(step("concurrency: 1"), List.of(row("a", "x"), row("b", "y"),
        row("c", "z")));
    assertThat(kept).extracting(Sample::uuid).containsExactly("c");
    assertThat(drops).containsExactly(
        "a:judge_unparseable:no GRADE: 0-10 line in the judge's reply: Looks good to me!",
        "b:judge_unparseable:no GRADE: 0-10 line in the judge's reply: GRADE: 12");
  }

  @Test
  void serverErrorsAreRetriedUntilTheJudgeAnswers() {
    server.then(status(500, "{\"error\":{\"message\":\"overloaded\"}}"),
        status(503, "busy"), ok(completion("GRADE: 8", null)));
    List<Sample> kept = run(step("max_attempts: 3"), List.of(row("a", "x")));
    assertThat(kept).extracting(Sample::uuid).containsExactly("a");
    assertThat(drops).isEmpty();
    assertThat(server.requests()).isEqualTo(3);
  }

  @Test
  void aRejectedRequestIsDroppedAsFailedAndTheRunGoesOn() {
    server.then(status(400, "{\"error\":{\"message\":\"max_tokens is too large\"}}"))
        .otherwise(ok(completion("GRADE: 10", null)));
    List<Sample> kept = run(step("concurrency: 1"), List.of(row("a", "x"), row("b", "y")));
    assertThat(kept).extracting(Sample::uuid).containsExactly("b");
    assertThat(drops).singleElement().asString()
        .startsWith("a:judge_failed:after 1 attempt: HTTP 400 from http://127.0.0.1:")
        .endsWith("max_tokens is too large");
    assertThat(server.requests()).isEqualTo(2); // a 400 is not retried
  }

  @Test
  void samplesComeOutInInputOrderWhileRequestsRunConcurrently() {
    server.otherwise(gradingJudge());
    List<Sample> in = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int grade = (i * 7) % 11; // 0..10 in a scrambled order
      in.add(row("s" + i, "answer " + grade));
      if (grade >= 7) {
        expected.add("s" + i);
      }
    }
    JudgeStep step = step("concurrency: 6");
    List<Sample> first = run(step, in);
    assertThat(first).extracting(Sample::uuid).containsExactlyElementsOf(expected);
    assertThat(drops).hasSize(60 - expected.size());
    assertThat(server.maxInFlight()).isBetween(2, 6);
    // Same input, same judge: the same output and the same drops in the same order.
    List<String> firstDrops = List.copyOf(drops);
    drops.clear();
    assertThat(run(step, in)).isEqualTo(first);
    assertThat(drops).isEqualTo(firstDrops);
  }

  @Test
  void theKeyIsOnlySentInTheAuthorizationHeader() {
    // A 400 fails the sample alone (a 401 stops the run, see below).
    server.then(status(400, "{\"error\":{\"message\":\"Bad request with key " + KEY
        + "\"}}")).otherwise(ok(completion("GRADE: 9", null)));
    JudgeStep step = step("concurrency: 1");
    List<Sample> kept = run(step, List.of(row("a", "x"), row("b", "y")));
    assertThat(server.authorizations()).containsOnly("Bearer " + KEY);
    assertThat(drops).singleElement().asString().startsWith("a:judge_failed:")
        .contains("[API key]").doesNotContain(KEY);
    assertThat(kept).extracting(Sample::toString).noneMatch(s -> s.contains(KEY));
    assertThat(server.bodies()).noneMatch(b -> b.contains(KEY));
    assertThat(step.toString() + step.config()).doesNotContain(KEY);
  }

  @Test
  void aSampleWithoutAnAnswerHasNothingToJudgeAndPasses() {
    Sample promptOnly = Sample.builder().uuid("p")
        .messages(List.of(Message.of(Message.USER, "q"))).build();
    List<Sample> kept = run(step(""), List.of(promptOnly));
    assertThat(kept).containsExactly(promptOnly);
    assertThat(counted).containsExactly(JudgeStep.NOTHING_TO_JUDGE);
    assertThat(server.requests()).isZero();
  }

  @Test
  void readsTheGradeFormatAndItsCommonVariants() {
    assertThat(JudgeStep.grade("Fine.\nGRADE: 8", 10)).isEqualTo(8.0);
    assertThat(JudgeStep.grade("Grade: 8/10", 10)).isEqualTo(8.0);
    assertThat(JudgeStep.grade("**Grade:** 7.5", 10)).isEqualTo(7.5);
    assertThat(JudgeStep.grade("grade = 4 / 5.", 10)).isEqualTo(8.0);
    assertThat(JudgeStep.grade("GRADE: 2\nOn reflection:\nGRADE: 6\n", 10)).isEqualTo(6.0);
    assertThat(JudgeStep.grade("GRADE: 11", 10)).isNull();
    assertThat(JudgeStep.grade("Grade: 6/5", 10)).isNull();
    assertThat(JudgeStep.grade("The grade: 7 seems right but", 10)).isNull();
    assertThat(JudgeStep.grade("no grade here", 10)).isNull();
    assertThat(JudgeStep.grade("", 10)).isNull();
  }

  @Test
  void badSettingsFailBeforeWorkWithTheYamlLine() {
    String ok = "endpoint: \"http://127.0.0.1:9/v1\", model: m, rubric: r, min_grade: 7";
    assertThatThrownBy(() -> compile("{" + ok + ", min_grad: 3}"))
        .hasMessageStartingWith("p.yaml:3 steps[0].judge.min_grad: unknown parameter 'min_grad'; "
            + "valid: "
            + "endpoint, model, api_key_env, rubric, min_grade");
    assertThatThrownBy(() -> compile("{endpoint: \"http://127.0.0.1:9/v1\", model: m, "
        + "min_grade: 7}"))
        .hasMessageStartingWith("p.yaml:3 steps[0].judge: parameter 'rubric' is required");
    assertThatThrownBy(() -> compile("{" + ok.replace("min_grade: 7", "min_grade: 11") + "}"))
        .hasMessage("p.yaml:3 steps[0].judge.min_grade: must be between 0 and the scale (10), "
            + "was 11");
    assertThatThrownBy(() -> compile("{" + ok.replace("http:", "ftp:") + "}"))
        .hasMessage("p.yaml:3 steps[0].judge.endpoint: the endpoint must be an http(s) URL, got "
            + "ftp://127.0.0.1:9/v1");
    assertThatThrownBy(() -> compile("{" + ok + ", concurrency: 0}"))
        .hasMessage("p.yaml:3 steps[0].judge.concurrency: expected an integer from 1 to "
            + Integer.MAX_VALUE + ", got 0");
    assertThatThrownBy(() -> compile("{" + ok + ", scale: ten}"))
        .hasMessage("p.yaml:3 steps[0].judge.scale: expected an integer, got 'ten'");
    assertThatThrownBy(() -> compile("{" + ok + ", api_key_env: REFINERY_NO_SUCH_VAR}"))
        .hasMessage("p.yaml:3 steps[0].judge.api_key_env: environment variable "
            + "REFINERY_NO_SUCH_VAR (the API key) is not set");
  }

  @Test
  void aCompiledStepSerializesWithoutItsClient() throws Exception {
    Object step = compile("{endpoint: \"http://127.0.0.1:9/v1\", model: m, rubric: r, "
        + "min_grade: 7}");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(step);
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      JudgeStep back = (JudgeStep) in.readObject();
      assertThat(back.config()).isEqualTo(((JudgeStep) step).config());
    }
  }
  @Test
  void aPipelineRunWithAJudgeIsConservedAndByteIdenticalOnRerun(@TempDir Path dir)
      throws Exception {
    SampleData.write(dir.resolve("in"), SampleData.Spec.of(120, 3).withShardRows(40));
    // A deterministic judge: the grade follows from what it is asked.
    server.otherwise(exchange -> ok(completion("GRADE: "
        + Math.floorMod(FakeChatServer.requestBody(exchange).hashCode(), 11), null))
        .answer(exchange));
    List<String> shards = new ArrayList<>();
    for (String name : List.of("one", "two")) {
      PipelineSpec spec = PipelineSpec.parse(name + ".yaml", """
          input: {path: %s}
          steps:
            - judge: {endpoint: "%s", model: m, rubric: "Helpful.", min_grade: 5, concurrency: 4}
          output: {path: %s, format: jsonl, shards: 2}
          keep_dropped: true
          """.formatted(dir.resolve("in"), server.baseUrl(), dir.resolve(name)), dir);
      Runner.Result r = Runner.local().run(Pipeline.compile(spec),
          new Runner.Options(2, false, Runner.Progress.NONE));
      assertThat(r.conserved()).isTrue();
      assertThat(r.read()).isEqualTo(120);
      assertThat(r.dropped()).isPositive();
      assertThat(r.written()).isPositive();
      StringBuilder all = new StringBuilder();
      for (Path shard : r.shards()) {
        all.append(Files.readString(shard));
      }
      shards.add(all.toString());
    }
    assertThat(shards.get(1)).isEqualTo(shards.get(0));
  }

  private JudgeStep step(String params, JudgeStep.Environment env) {
    PipelineSpec.StepSpec s = spec("{endpoint: \"" + server.baseUrl() + "\", model: judge-m, "
        + "rubric: r, min_grade: 7" + params + "}").steps().get(0);
    return JudgeStep.create(Params.resolve(JudgeStep.PARAMS, s.params(), s.where()), s.where(),
        env);
  }

  @Test
  void theKeyComesFromOpenAiApiKeyByDefaultAndNoneSendsNone() {
    server.otherwise(ok(completion("GRADE: 9", null)));
    JudgeStep.Environment env = Map.of("OPENAI_API_KEY", KEY)::get;
    run(step("", env), List.of(row("a", "x")));
    run(step(", api_key_env: NONE", env), List.of(row("b", "x")));
    JudgeStep.Environment empty = name -> null;
    run(step("", empty), List.of(row("c", "x")));
    assertThat(server.authorizations()).containsExactly("Bearer " + KEY, null, null);
  }

  @Test
  void aWrongKeyStopsTheRunInsteadOfFailingEverySample() {
    server.otherwise(status(403, "{\"error\":{\"message\":\"Forbidden: " + KEY + "\"}}"));
    List<Sample> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(row("r" + i, "answer 8"));
    }
    assertThatThrownBy(() -> run(step("concurrency: 2"), rows))
        .hasMessage("HTTP 403 from " + server.baseUrl() + "/chat/completions: Forbidden: "
            + "[API key]; check the API key (the variable --api-key-env or api_key_env names, "
            + "OPENAI_API_KEY by default; NONE for none)");
    assertThat(server.requests()).isLessThan(10);
    assertThat(drops).isEmpty();
  }
}
