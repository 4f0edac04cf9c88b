package dev.refinery.pipeline;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.ok;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.generate.FakeChatServer;
import dev.refinery.run.Runner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose generate or judge step dropped rows as generation_failed / judge_failed finished,
 * but its failures can be sent again: --resume sends only the failed requests (the rows the
 * earlier run had are reused) and ends byte for byte as a run whose server never failed would
 * have. It said "the run folder is not empty" once, then sent whole partitions again.
 */
class RetryFailedRequestsTest {
  @TempDir Path dir;
  private final FakeChatServer server = new FakeChatServer();
  /** Every request body the server received. */
  private final List<String> asked = new CopyOnWriteArrayList<>();
  /** The requests the server fails with a 400 (a failure the client does not retry). */
  private volatile Predicate<String> failing = body -> false;
  /** Whether the pipelines shuffle their output (output.shuffle). */
  private boolean shuffled;

  @BeforeEach
  void serve() throws Exception {
    Files.createDirectories(dir.resolve("in"));
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      a.append("{\"prompt\": \"What is ").append(i).append(" + 1?\"}\n");
      b.append("{\"prompt\": \"What is ").append(i).append(" + 2?\"}\n");
    }
    Files.writeString(dir.resolve("in/a.jsonl"), a.toString());
    Files.writeString(dir.resolve("in/b.jsonl"), b.toString());
    answerDeterministically();
  }

  private void answerDeterministically() {
    // Deterministic: the same request always gets the same answer.
    server.otherwise(exchange -> {
      String body = FakeChatServer.requestBody(exchange);
      asked.add(body);
      if (failing.test(body)) {
        status(400, "{\"error\": {\"message\": \"bad request\"}}").answer(exchange);
        return;
      }
      int h = Math.floorMod(body.hashCode(), 97);
      ok(completion(body.contains("You are grading") ? "Fine.\nGRADE: " + h % 11
          : "Answer " + h, null)).answer(exchange);
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static final String GENERATE = "generate: {endpoint: \"%s\", model: m, "
      + "reasoning: off, max_attempts: 1, concurrency: 2}";
  private static final String JUDGE = "judge: {endpoint: \"%s\", model: j, rubric: Correct., "
      + "max_attempts: 1, concurrency: 2, %s}";

  private Pipeline pipeline(String out, String... steps) throws Exception {
    StringBuilder yaml = new StringBuilder("input: {path: " + dir.resolve("in")
        + ", format: prompt}\nsteps:\n");
    for (String step : steps) {
      yaml.append("  - ").append(step.replace("%s", server.baseUrl().toString())).append('\n');
    }
    yaml.append("output: {path: ").append(dir.resolve(out)).append(", format: jsonl, shards: 2")
        .append(shuffled ? ", shuffle: true}\n" : "}\n")
        .append("seed: 3\n");
    return Pipeline.compile(PipelineSpec.parse(out + ".yaml", yaml.toString(), dir));
  }

  private static Runner.Options options(boolean resume) {
    return new Runner.Options(2, resume, Runner.Progress.NONE);
  }

  /**
   * Runs the pipeline against a server that never fails ("clean"), then against one failing
   * {@code fails} ("out"), then resumes "out" with the server healed; checks that the resume sent
   * exactly the failed requests (plus {@code extraOnResume}: requests no earlier run made), each
   * about a prompt that failed ({@code concerned}), and ended as the clean run did. Returns the
   * bodies the resume sent.
   */
  private List<String> retry(Predicate<String> fails, Predicate<String> concerned,
      int extraOnResume, String... steps) throws Exception {
    Runner.Result clean = Runner.local().run(pipeline("clean", steps), options(false));
    assertThat(clean.failedRequests()).isZero();
    assertThat(dir.resolve("clean/.work")).doesNotExist();
    int cleanRequests = asked.size();

    failing = fails;
    asked.clear();
    Runner.Result first = Runner.local().run(pipeline("out", steps), options(false));
    assertThat(first.failedRequests()).isPositive();
    assertThat(first.conserved()).isTrue();
    assertThat(dir.resolve("out/stats.json")).exists();
    assertThatThrownBy(() -> Runner.local().run(pipeline("out", steps), options(false)))
        .hasMessageContaining("a finished run is here (stats.json); " + first.failedRequests()
            + " of its requests failed: --resume retries them");

    failing = body -> false;
    asked.clear();
    Runner.Result retried = Runner.local().run(pipeline("out", steps), options(true));
    List<String> sent = List.copyOf(asked);
    assertThat(retried.alreadyFinished()).isFalse();
    assertThat(retried.failedRequests()).isZero();
    assertThat(sent).hasSize((int) first.failedRequests() + extraOnResume);
    assertThat(sent).allMatch(concerned);
    assertThat(retried.conserved()).isTrue();
    assertThat(counts(retried)).isEqualTo(counts(clean));
    assertThat(retried.written()).isEqualTo(clean.written());
    assertThat(cleanRequests).isGreaterThan(sent.size());
    assertSameFiles(dir.resolve("out/data"), dir.resolve("clean/data"));
    // The retried partitions' drops are recorded anew: no failure is left listed.
    assertSameFiles(dir.resolve("out/rejects"), dir.resolve("clean/rejects"));
    assertThat(dir.resolve("out/.work")).doesNotExist();

    asked.clear();
    Runner.Result again = Runner.local().run(pipeline("out", steps), options(true));
    assertThat(again.alreadyFinished()).isTrue();
    assertThat(asked).isEmpty();
    return sent;
  }

  /** Each step's counts without its time: a retried run counts as an uninterrupted one. */
  private static List<String> counts(Runner.Result r) {
    return r.steps().stream().map(s -> s.name() + " in " + s.in() + " out " + s.out()
        + " dropped " + s.dropped() + " counted " + s.counted() + " repeated " + s.repeated())
        .toList();
  }

  private static void assertSameFiles(Path out, Path clean) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(clean)) {
      files = s.sorted().toList();
    }
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(Path::getFileName).sorted().toList())
          .isEqualTo(files.stream().map(Path::getFileName).toList());
    }
    for (Path f : files) {
      assertThat(Files.readAllBytes(out.resolve(f.getFileName())))
          .as(f.getFileName().toString()).isEqualTo(Files.readAllBytes(f));
    }
  }

  @Test
  void resumeSendsOnlyTheFailedGenerationsAndEndsAsIfNoneHadFailed() throws Exception {
    // Failures in both partitions; the dedup after generate is a later stage.
    Predicate<String> fails = body -> body.contains("3 + 2?") || body.contains("1 + 2?")
        || body.contains("4 + 1?");
    retry(fails, fails, 0, GENERATE, "exact_dedup: {key: answer}");
  }

  @Test
  void aKeyedStageAfterTheRetriedOneSeesTheRowsTheRetryAdded() throws Exception {
    // Every answer is the same: exact dedup keeps only the row with the smallest id. The first
    // run fails that row's request, so the dedup stage keeps the next one; the retry must emit
    // its keys again, or the late row is never compared and both are written.
    server.otherwise(exchange -> {
      String body = FakeChatServer.requestBody(exchange);
      asked.add(body);
      if (failing.test(body)) {
        status(400, "{\"error\": {\"message\": \"bad request\"}}").answer(exchange);
        return;
      }
      ok(completion("The same answer.", null)).answer(exchange);
    });
    Predicate<String> fails = body -> body.contains("0 + 1?");
    retry(fails, fails, 0, GENERATE, "exact_dedup: {key: answer}");
    assertThat(Files.readString(dir.resolve("out/stats.json")))
        .contains("\"exact_duplicate\":11");
  }

  @Test
  void aShuffledOutputAfterTheRetryHoldsTheRowsTheRetryAdded() throws Exception {
    // The shuffle's sorted runs of the first run's partitions must not be merged again: the
    // retried partitions hold one more row each.
    shuffled = true;
    Predicate<String> fails = body -> body.contains("2 + 1?") || body.contains("4 + 2?");
    retry(fails, fails, 0, GENERATE);
    assertThat(Files.readString(dir.resolve("out/shuffle.json"))).contains("\"rows\":12");
  }

  @Test
  void resumeSendsOnlyTheFailedGradesOfAJudgeInALaterStage() throws Exception {
    Predicate<String> fails = body -> body.contains("You are grading")
        && (body.contains("2 + 1?") || body.contains("5 + 2?"));
    retry(fails, fails, 0, GENERATE, "exact_dedup: {key: answer}", JUDGE.formatted("%s", "min_grade: 0, "
            + "score_only: true"));
  }

  @Test
  void theJudgesEarlierLowGradesAreDroppedAgainWithoutAsking() throws Exception {
    // min_grade 5 drops some rows as judge_low_grade; the resume asks only the failed ones.
    Predicate<String> fails = body -> body.contains("You are grading")
        && (body.contains("0 + 1?") || body.contains("4 + 1?") || body.contains("3 + 2?"));
    retry(fails, fails, 0, GENERATE, "exact_dedup: {key: answer}",
        JUDGE.formatted("%s", "min_grade: 5"));
    assertThat(Files.readString(dir.resolve("out/stats.json"))).contains("judge_low_grade");
  }

  @Test
  void aRetryStoppedPartwayIsResumedAndStillSendsOnlyWhatFailed() throws Exception {
    String[] steps = {GENERATE, "exact_dedup: {key: answer}"};
    Predicate<String> fails = body -> body.contains("4 + 1?") || body.contains("1 + 2?")
        || body.contains("3 + 2?");
    Runner.local().run(pipeline("clean", steps), options(false));
    failing = fails;
    Runner.Result first = Runner.local().run(pipeline("out", steps), options(false));
    assertThat(first.failedRequests()).isEqualTo(3);

    // The retry meets a server that refuses the key (a fatal 401): the run stops.
    asked.clear();
    server.otherwise(exchange -> {
      String body = FakeChatServer.requestBody(exchange);
      if (body.contains("3 + 2?")) {
        status(401, "{\"error\": {\"message\": \"bad key\"}}").answer(exchange);
        return;
      }
      asked.add(body);
      ok(completion("Answer " + Math.floorMod(body.hashCode(), 97), null)).answer(exchange);
    });
    assertThatThrownBy(() -> Runner.local().run(pipeline("out", steps), options(true)))
        .hasMessageContaining("401");
    assertThat(dir.resolve("out/stats.json")).doesNotExist();
    assertThat(asked).allMatch(fails);

    answerDeterministically();
    failing = body -> false;
    asked.clear();
    Runner.Result retried = Runner.local().run(pipeline("out", steps), options(true));
    assertThat(retried.failedRequests()).isZero();
    assertThat(retried.conserved()).isTrue();
    // The partition the stop cut short still had its earlier rows: only failures are sent.
    assertThat(asked).isNotEmpty().hasSizeLessThanOrEqualTo(3).allMatch(fails);
    assertSameFiles(dir.resolve("out/data"), dir.resolve("clean/data"));
  }

  @Test
  void aJudgeInTheStageOfTheGenerationsReusesTheirGradesToo() throws Exception {
    // Both steps in one stage: generated rows and grades the earlier run kept are reused; the
    // row made on resume is graded (one request more than the failures).
    retry(body -> !body.contains("You are grading") && body.contains("3 + 1?"),
        body -> body.contains("3 + 1?"), 1,
        GENERATE, JUDGE.formatted("%s", "min_grade: 0, score_only: true"));
  }

  @Test
  void aRowTheJudgeOfItsStageFailedOnIsNotGeneratedAgain() throws Exception {
    // The stage output does not hold a row its judge dropped; the work folder does, so the row
    // is reused and only the judge is asked again.
    Predicate<String> fails = body -> body.contains("You are grading") && body.contains("0 + 2?");
    retry(fails, fails, 0, GENERATE, JUDGE.formatted("%s", "min_grade: 0, score_only: true"));
  }

  @Test
  void rowsTheJudgeOfTheirStageGradedLowAreNeitherGeneratedNorGradedAgain() throws Exception {
    // Only the failed generations are sent, and the judge grades the rows they make.
    List<String> sent = retry(body -> !body.contains("You are grading")
            && (body.contains("3 + 1?") || body.contains("4 + 2?")),
        body -> body.contains("3 + 1?") || body.contains("4 + 2?"), 2,
        GENERATE, JUDGE.formatted("%s", "min_grade: 5"), "exact_dedup: {key: answer}");
    assertThat(sent).filteredOn(body -> body.contains("You are grading")).hasSize(2);
    assertThat(Files.readString(dir.resolve("out/stats.json"))).contains("judge_low_grade");
  }

  @Test
  void aLaterStageKeepsWhatItHadWhenAnEarlierStageRetries() throws Exception {
    // A generation failed in stage 0: stage 1's judge asks only about the row made on resume.
    List<String> sent = retry(body -> body.contains("2 + 2?"), body -> body.contains("2 + 2?"), 1,
        GENERATE, "exact_dedup: {key: answer}", JUDGE.formatted("%s", "min_grade: 0"));
    assertThat(sent).filteredOn(body -> body.contains("You are grading")).hasSize(1);
  }
}
