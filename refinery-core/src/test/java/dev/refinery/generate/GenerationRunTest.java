package dev.refinery.generate;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.cutMidBody;
import static dev.refinery.generate.FakeChatServer.drop;
import static dev.refinery.generate.FakeChatServer.requestBody;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationRunTest {
  private static final String KEY = "sk-test-secret-4242";
  private static final List<ReasoningMode> BOTH =
      GenerationRun.modes("detailed-thinking", "both");

  @TempDir
  Path dir;

  private final List<FakeChatServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(FakeChatServer::close);
  }

  private FakeChatServer server() throws IOException {
    FakeChatServer s = new FakeChatServer();
    servers.add(s);
    return s;
  }

  /** Answers as a deterministic model would: a trace only when the request asks for one. */
  private static final FakeChatServer.Reply MODEL = exchange -> {
    Map<?, ?> body = (Map<?, ?>) Json.parseOrNull(requestBody(exchange));
    List<?> messages = (List<?>) body.get("messages");
    String system = (String) ((Map<?, ?>) messages.get(0)).get("content");
    String user = (String) ((Map<?, ?>) messages.get(messages.size() - 1)).get("content");
    boolean on = system.contains("detailed thinking on");
    status(200, completion("answer to " + user + " with seed " + body.get("seed"),
        on ? "thinking about " + user : null)).answer(exchange);
  };

  private static List<Sample> prompts(int count) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(Sample.builder().uuid("p" + i).category("math")
          .messages(List.of(Message.of("user", "question " + i))).build());
    }
    return out;
  }

  private static Set<String> expectedUuids(List<Sample> prompts, List<ReasoningMode> modes,
      int n) {
    Set<String> out = new HashSet<>();
    for (Sample p : prompts) {
      for (ReasoningMode m : modes) {
        for (int i = 0; i < n; i++) {
          out.add(Generator.rowUuid(p, m, i));
        }
      }
    }
    return out;
  }

  private GenerationRun run(FakeChatServer server, int concurrency, boolean resume,
      int maxAttempts) {
    ChatClient client = new ChatClient(new ClientOptions(server.baseUrl(), "TEST_KEY",
        concurrency, Duration.ofSeconds(5), new RetryPolicy(maxAttempts, Duration.ofMillis(1),
        Duration.ofMillis(5), Duration.ofMillis(5))), Map.of("TEST_KEY", KEY)::get,
        d -> { }, Clock.systemUTC(), () -> 0.5);
    return new GenerationRun(client, new Generator.Settings("test/model", 0.6, 0.95, 512, 42L,
        null), new GenerationRun.Options(BOTH, 3, concurrency, 0, null, resume, false));
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  private static List<String> uuids(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : lines(file)) {
      out.add((String) ((Map<?, ?>) Json.parseOrNull(line)).get("uuid"));
    }
    return out;
  }

  /** Each expected uuid exactly once across rows and failures, nothing else. */
  private void assertConserved(Path out, Set<String> expected) throws IOException {
    List<String> all = new ArrayList<>(uuids(out.resolve(GenerationRun.ROWS)));
    all.addAll(uuids(out.resolve(GenerationRun.FAILURES)));
    assertThat(all).doesNotHaveDuplicates();
    assertThat(new HashSet<>(all)).isEqualTo(expected);
  }

  @Test
  void writesEveryPromptModeAndIndexInInputOrderAndTheSameBytesEachRun() throws Exception {
    FakeChatServer server = server().otherwise(MODEL);
    List<Sample> prompts = prompts(7);

    GenerationRun.Stats stats = run(server, 8, false, 3).run(prompts.iterator(), dir.resolve("a"));
    run(server, 1, false, 3).run(prompts.iterator(), dir.resolve("b"));

    assertThat(stats.prompts()).isEqualTo(7);
    assertThat(stats.rows()).isEqualTo(7 * 2 * 3);
    assertThat(stats.failures()).isZero();
    assertThat(stats.completionTokens()).isEqualTo(7 * 2 * 3 * 34L);
    Path rows = dir.resolve("a").resolve(GenerationRun.ROWS);
    assertThat(Files.readAllBytes(rows))
        .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(GenerationRun.ROWS)));
    List<String> expectedOrder = new ArrayList<>();
    for (Sample p : prompts) {
      for (ReasoningMode m : BOTH) {
        for (int i = 0; i < 3; i++) {
          expectedOrder.add(Generator.rowUuid(p, m, i));
        }
      }
    }
    assertThat(uuids(rows)).containsExactlyElementsOf(expectedOrder);
    assertThat(lines(dir.resolve("a").resolve(GenerationRun.FAILURES))).isEmpty();

    Sample first;
    try (SampleReader reader = SampleReader.open(Inputs.resolve(rows.toString()),
        Formats.nemotron(), RejectHandler.FAIL)) {
      first = reader.next();
    }
    assertThat(first.generator()).isEqualTo("test/model");
    assertThat(first.reasoning()).isEqualTo("on");
    assertThat(first.finalAssistant().content()).startsWith("<think>\nthinking about question 0");
    Map<?, ?> summary = (Map<?, ?>) Json.parseOrNull(
        Files.readString(dir.resolve("a").resolve(GenerationRun.SUMMARY)));
    assertThat(summary.get("rows_written")).isEqualTo(42L);
    assertThat(summary.get("failures")).isEqualTo(0L);
  }

  @Test
  void injectedFaultsLoseAndDuplicateNothing() throws Exception {
    AtomicInteger count = new AtomicInteger();
    FakeChatServer server = server().otherwise(exchange -> {
      int k = count.incrementAndGet();
      if (k % 3 == 0) {
        status(429, "{\"error\":{\"message\":\"slow down\"}}", "Retry-After", "0")
            .answer(exchange);
      } else if (k % 5 == 0) {
        status(500, "oops").answer(exchange);
      } else if (k % 7 == 0) {
        cutMidBody(completion("cut", "cut")).answer(exchange);
      } else if (k % 11 == 0) {
        drop().answer(exchange);
      } else {
        MODEL.answer(exchange);
      }
    });
    List<Sample> prompts = prompts(20);
    Path out = dir.resolve("faults");

    GenerationRun.Stats stats = run(server, 16, false, 8).run(prompts.iterator(), out);

    assertConserved(out, expectedUuids(prompts, BOTH, 3));
    assertThat(stats.rows() + stats.failures()).isEqualTo(120);
    assertThat(stats.retries()).isPositive();
    assertThat(stats.requests()).isEqualTo(count.get());
  }

  @Test
  void resumeAfterATornLastLineGivesTheBytesOfAnUninterruptedRun() throws Exception {
    FakeChatServer server = server().otherwise(MODEL);
    List<Sample> prompts = prompts(5);
    Path full = dir.resolve("full");
    run(server, 4, false, 3).run(prompts.iterator(), full);
    byte[] expected = Files.readAllBytes(full.resolve(GenerationRun.ROWS));

    // What kill -9 leaves: 11 whole lines and half of the 12th.
    Path crashed = dir.resolve("crashed");
    Files.createDirectories(crashed);
    List<String> lines = lines(full.resolve(GenerationRun.ROWS));
    String kept = String.join("\n", lines.subList(0, 11)) + "\n"
        + lines.get(11).substring(0, lines.get(11).length() / 2);
    Files.writeString(crashed.resolve(GenerationRun.ROWS), kept);

    assertThatThrownBy(() -> run(server, 4, false, 3).run(prompts.iterator(), crashed))
        .isInstanceOf(RefineryException.class).hasMessageContaining("--resume");
    int before = server.requests();
    GenerationRun.Stats stats = run(server, 4, true, 3).run(prompts.iterator(), crashed);

    assertThat(stats.resumed()).isEqualTo(11);
    assertThat(stats.rows()).isEqualTo(30 - 11);
    assertThat(server.requests() - before).isEqualTo(30 - 11);
    assertThat(Files.readAllBytes(crashed.resolve(GenerationRun.ROWS))).isEqualTo(expected);
  }

  @Test
  void aResumeWithOtherSettingsIsRefusedNamingWhatDiffers() throws Exception {
    FakeChatServer server = server().otherwise(MODEL);
    List<Sample> prompts = prompts(2);
    Path folder = dir.resolve("settings");
    run(server, 2, false, 3).run(prompts.iterator(), folder);
    assertThat(folder.resolve(GenerationRun.SETTINGS)).exists();
    ChatClient client = new ChatClient(new ClientOptions(server.baseUrl(), "TEST_KEY", 2,
        Duration.ofSeconds(5), RetryPolicy.DEFAULT), Map.of("TEST_KEY", KEY)::get, d -> { },
        Clock.systemUTC(), () -> 0.5);
    GenerationRun otherSeed = new GenerationRun(client, new Generator.Settings("test/model", 0.6,
        0.95, 512, 43L, null), new GenerationRun.Options(BOTH, 3, 2, 0, null, true, false));
    assertThatThrownBy(() -> otherSeed.run(prompts.iterator(), folder))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("settings.json: --resume with other settings")
        .hasMessageContaining("seed 42 -> 43");
    // The same settings resume (nothing left to do).
    assertThat(run(server, 2, true, 3).run(prompts.iterator(), folder).rows()).isZero();
  }

  @Test
  void anInterruptedRunResumedAgainstAHealthyServerIsCompleteWithoutDuplicates()
      throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger count = new AtomicInteger();
    FakeChatServer dying = server().otherwise(exchange -> {
      if (count.incrementAndGet() <= 25) {
        MODEL.answer(exchange);
      } else {
        stalled.countDown();
        release.await(30, TimeUnit.SECONDS);
        drop().answer(exchange);
      }
    });
    List<Sample> prompts = prompts(10);
    Path out = dir.resolve("interrupted");
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread runner = new Thread(() -> {
      try {
        run(dying, 4, false, 3).run(prompts.iterator(), out);
      } catch (Throwable t) {
        ended.set(t);
      }
    });
    runner.start();
    assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
    runner.interrupt();
    runner.join(30_000);
    release.countDown();
    assertThat(runner.isAlive()).isFalse();
    assertThat(ended.get()).isInstanceOf(InterruptedException.class);
    List<String> partial = uuids(out.resolve(GenerationRun.ROWS));
    assertThat(partial).isNotEmpty().hasSizeLessThan(60).doesNotHaveDuplicates();

    FakeChatServer healthy = server().otherwise(MODEL);
    GenerationRun.Stats stats = run(healthy, 4, true, 3).run(prompts.iterator(), out);

    assertThat(stats.resumed()).isEqualTo(partial.size());
    assertThat(healthy.requests()).isEqualTo(60 - partial.size());
    assertConserved(out, expectedUuids(prompts, BOTH, 3));
    assertThat(lines(out.resolve(GenerationRun.FAILURES))).isEmpty();
  }

  @Test
  void failuresOfAnEarlierRunAreRetriedOnResume() throws Exception {
    FakeChatServer broken = server().otherwise(exchange -> {
      if (requestBody(exchange).contains("question 2")) {
        status(503, "down").answer(exchange);
      } else {
        MODEL.answer(exchange);
      }
    });
    List<Sample> prompts = prompts(4);
    Path out = dir.resolve("failed");
    GenerationRun.Stats first = run(broken, 4, false, 2).run(prompts.iterator(), out);

    assertThat(first.failures()).isEqualTo(6);
    assertConserved(out, expectedUuids(prompts, BOTH, 3));
    Map<?, ?> failure = (Map<?, ?>) Json.parseOrNull(
        lines(out.resolve(GenerationRun.FAILURES)).get(0));
    assertThat(failure.get("prompt_uuid")).isEqualTo("p2");
    assertThat(failure.get("kind")).isEqualTo("HTTP_STATUS");
    assertThat(failure.get("status")).isEqualTo(503L);
    assertThat(failure.get("attempts")).isEqualTo(2L);
    assertThat((String) failure.get("reason")).contains("HTTP 503");

    FakeChatServer healthy = server().otherwise(MODEL);
    GenerationRun.Stats second = run(healthy, 4, true, 2).run(prompts.iterator(), out);

    assertThat(second.rows()).isEqualTo(6);
    assertThat(healthy.requests()).isEqualTo(6);
    assertThat(lines(out.resolve(GenerationRun.FAILURES))).isEmpty();
    assertConserved(out, expectedUuids(prompts, BOTH, 3));
  }

  @Test
  void theApiKeyIsSentButNeverWrittenEvenWhenTheServerEchoesIt() throws Exception {
    FakeChatServer server = server().otherwise(exchange -> {
      if (requestBody(exchange).contains("question 1")) {
        // A 400 fails the row alone (a 401 would stop the run: see below).
        status(400, "{\"error\":{\"message\":\"Bad request with key " + KEY + "\"}}")
            .answer(exchange);
      } else {
        MODEL.answer(exchange);
      }
    });
    Path out = dir.resolve("key");
    GenerationRun run = run(server, 2, false, 3);
    GenerationRun.Stats stats = run.run(prompts(3).iterator(), out);

    assertThat(stats.failures()).isEqualTo(6);
    assertThat(server.authorizations()).allMatch(("Bearer " + KEY)::equals);
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.toList()) {
        assertThat(Files.readString(file)).doesNotContain(KEY);
      }
    }
    assertThat(Files.readString(out.resolve(GenerationRun.FAILURES))).contains("[API key]");
    assertThat(stats.line()).doesNotContain(KEY);
  }

  @Test
  void aPromptWithoutAUserTurnFailsAloneWithTheirReason() throws Exception {
    FakeChatServer server = server().otherwise(MODEL);
    List<Sample> prompts = new ArrayList<>(prompts(2));
    prompts.add(1, Sample.builder().uuid("empty")
        .messages(List.of(Message.of("assistant", "an answer without a question"))).build());
    Path out = dir.resolve("invalid");

    GenerationRun.Stats stats = run(server, 2, false, 3).run(prompts.iterator(), out);

    assertThat(stats.rows()).isEqualTo(12);
    assertThat(stats.failures()).isEqualTo(6);
    assertThat(lines(out.resolve(GenerationRun.FAILURES)))
        .allMatch(l -> l.contains("INVALID_PROMPT") && l.contains("has no user turn"));
    assertConserved(out, expectedUuids(prompts, BOTH, 3));
  }

  @Test
  void parquetOutputHoldsTheSameRows() throws Exception {
    FakeChatServer server = server().otherwise(MODEL);
    ChatClient client = new ChatClient(new ClientOptions(server.baseUrl(), null, 2,
        Duration.ofSeconds(5), null), Map.<String, String>of()::get, d -> { },
        Clock.systemUTC(), () -> 0.5);
    Path out = dir.resolve("parquet");
    new GenerationRun(client, new Generator.Settings("m", null, null, null, null, null),
        new GenerationRun.Options(GenerationRun.modes("slash-think", "off"), 2, 2, 1000, null,
            false, true)).run(prompts(3).iterator(), out);

    List<String> fromParquet = new ArrayList<>();
    try (SampleReader reader = SampleReader.open(
        Inputs.resolve(out.resolve(GenerationRun.PARQUET).toString()), Formats.nemotron(),
        RejectHandler.FAIL)) {
      reader.forEachRemaining(s -> fromParquet.add(s.uuid()));
    }
    assertThat(fromParquet).containsExactlyElementsOf(uuids(out.resolve(GenerationRun.ROWS)))
        .hasSize(6);
  }

  @Test
  void modesAreParsedAndDeepSeekOffIsRefused() {
    assertThat(GenerationRun.modes("qwen3", "both")).extracting(ReasoningMode::on)
        .containsExactly(true, false);
    assertThatThrownBy(() -> GenerationRun.modes("deepseek-r1", "both"))
        .isInstanceOf(RefineryException.class).hasMessageContaining("always reason");
    assertThatThrownBy(() -> GenerationRun.modes("gpt", "on"))
        .hasMessageContaining("unknown --mode-style 'gpt'");
  }

  private GenerationRun run(FakeChatServer server, boolean stream, boolean resume,
      double maxFailureRate) {
    ChatClient client = new ChatClient(new ClientOptions(server.baseUrl(), "TEST_KEY", 4,
        Duration.ofSeconds(5), new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5),
        Duration.ofMillis(5)), stream), Map.of("TEST_KEY", KEY)::get, d -> { },
        Clock.systemUTC(), () -> 0.5);
    return new GenerationRun(client, new Generator.Settings("test/model", 0.6, 0.95, 512, 42L,
        null), new GenerationRun.Options(BOTH, 3, 4, 0, null, resume, false, 0,
        maxFailureRate));
  }

  @Test
  void aWrongKeyOrModelStopsTheRunAtOnceSayingWhatToCheck() throws Exception {
    FakeChatServer server = server().otherwise(status(401,
        "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"));
    List<Sample> prompts = prompts(30); // 180 generations

    assertThatThrownBy(() -> run(server, 4, false, 3).run(prompts.iterator(), dir.resolve("k")))
        .isInstanceOf(GenerationException.class)
        .hasMessage("HTTP 401 from " + server.baseUrl() + "/chat/completions: Incorrect API key "
            + "provided: [API key]; check the API key (the variable --api-key-env or api_key_env "
            + "names, OPENAI_API_KEY by default; NONE for none)");
    // No retries, and no more than the requests already on their way (4 x concurrency).
    assertThat(server.requests()).isLessThanOrEqualTo(16);
    assertThat(Files.readString(dir.resolve("k").resolve(GenerationRun.SUMMARY)))
        .doesNotContain(KEY);

    FakeChatServer noModel = server().otherwise(status(404,
        "{\"error\":{\"message\":\"The model `test/model` does not exist.\"}}"));
    assertThatThrownBy(() -> run(noModel, 4, false, 3).run(prompts.iterator(), dir.resolve("m")))
        .hasMessageContaining("HTTP 404 from " + noModel.baseUrl() + "/chat/completions")
        .hasMessageContaining("check the model name and the endpoint URL");
    assertThat(noModel.requests()).isLessThanOrEqualTo(16);
  }

  @Test
  void aServerThatIsNotThereStopsTheRunAtOnce() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    java.net.URI nowhere = java.net.URI.create("http://127.0.0.1:" + port + "/v1");
    AtomicInteger slept = new AtomicInteger();
    ChatClient client = new ChatClient(new ClientOptions(nowhere, null, 2,
        Duration.ofSeconds(5), RetryPolicy.DEFAULT), k -> null, d -> slept.incrementAndGet(),
        Clock.systemUTC(), () -> 0.5);
    GenerationRun run = new GenerationRun(client, new Generator.Settings("m", null, null, null,
        null, null), new GenerationRun.Options(BOTH, 1, 2, 0, null, false, false));

    assertThatThrownBy(() -> run.run(prompts(50).iterator(), dir.resolve("nowhere")))
        .isInstanceOf(GenerationException.class)
        .hasMessageStartingWith("cannot reach " + nowhere + "/chat/completions: connection "
            + "refused")
        .hasMessageEndingWith("; check the endpoint URL and that the server is running");
    assertThat(slept.get()).isZero(); // not retried
    assertThat(client.requestsSent()).isLessThanOrEqualTo(8);
  }

  @Test
  void moreFailuresThanTheMaxRateStopTheRunOnceFiftyAreDone() throws Exception {
    // Prompts 0-2 of every 5 fail for good: 60% of the generations.
    FakeChatServer server = server().otherwise(exchange -> {
      Matcher m = Pattern.compile("question (\\d+)").matcher(requestBody(exchange));
      m.find();
      if (Integer.parseInt(m.group(1)) % 5 < 3) {
        status(400, "{\"error\":{\"message\":\"bad request\"}}").answer(exchange);
      } else {
        MODEL.answer(exchange);
      }
    });
    Path out = dir.resolve("rate");

    assertThatThrownBy(() -> run(server, false, false, 0.5).run(prompts(40).iterator(), out))
        .isInstanceOf(RefineryException.class)
        .hasMessageStartingWith("stopped: 37 of 61 generations failed (61%), more than "
            + "--max-failure-rate 0.5 allows; the last: HTTP_STATUS: ")
        .hasMessageEndingWith("fix the cause and run again with --resume");
    // Stopped at the 61st of 240: what was decided is on disk, the summary too.
    assertThat(lines(out.resolve(GenerationRun.ROWS)).size()
        + lines(out.resolve(GenerationRun.FAILURES)).size()).isEqualTo(61);
    assertThat(Files.readString(out.resolve(GenerationRun.SUMMARY))).contains("\"failures\":37");

    // A higher limit lets the same run finish, failures recorded.
    GenerationRun.Stats stats = run(server, false, false, 0.7)
        .run(prompts(40).iterator(), dir.resolve("rate2"));
    assertThat(stats.failures()).isEqualTo(144);
  }

  @Test
  void aRunWhereEveryGenerationFailedIsAnError() throws Exception {
    FakeChatServer server = server().otherwise(status(400, "{\"error\":\"nope\"}"));
    assertThatThrownBy(() -> run(server, false, false, 0.5).run(prompts(2).iterator(),
        dir.resolve("all")))
        .isInstanceOf(RefineryException.class)
        .hasMessageStartingWith("all 12 generations failed; the last: HTTP_STATUS: ");
    assertThat(lines(dir.resolve("all").resolve(GenerationRun.FAILURES))).hasSize(12);
  }

  @Test
  void anAnswerWithoutContentOrToolCallsIsAFailureNotAnEmptyRow() throws Exception {
    FakeChatServer server = server().otherwise(exchange -> {
      if (requestBody(exchange).contains("question 1")) {
        // What vLLM sends when max_tokens ran out inside the reasoning: content null.
        boolean on = requestBody(exchange).contains("detailed thinking on");
        status(200, completion(null, on ? "still thinking" : null)).answer(exchange);
      } else {
        MODEL.answer(exchange);
      }
    });
    Path out = dir.resolve("null");
    GenerationRun.Stats stats = run(server, false, false, 0.5).run(prompts(3).iterator(), out);

    assertThat(stats.rows()).isEqualTo(12);
    assertThat(stats.failures()).isEqualTo(6);
    List<String> failures = lines(out.resolve(GenerationRun.FAILURES));
    assertThat(failures).allSatisfy(l -> assertThat(l).contains("\"kind\":\"EMPTY_ANSWER\"")
        .contains("\"status\":200").contains("the response has no answer and no tool calls "
            + "(finish_reason stop"));
    assertThat(failures.get(0)).contains("only a reasoning trace of 14 chars");
    assertThat(Files.readString(out.resolve(GenerationRun.ROWS))).doesNotContain("question 1");
  }

  @Test
  void anAnswerHoldingALoneSurrogateIsAFailureNotARowNoFileCouldHold() throws Exception {
    FakeChatServer server = server().otherwise(exchange -> {
      if (requestBody(exchange).contains("question 1")) {
        // JSON may spell a lone surrogate; no UTF-8 file (JSONL, Parquet) can store it.
        boolean on = requestBody(exchange).contains("detailed thinking on");
        status(200, completion("PLACEHOLDER", on ? "thinking" : null)
            .replace("PLACEHOLDER", "broken \\ud800 text")).answer(exchange);
      } else {
        MODEL.answer(exchange);
      }
    });
    Path out = dir.resolve("surrogate");
    GenerationRun.Stats stats = run(server, false, false, 0.5).run(prompts(3).iterator(), out);

    assertThat(stats.rows()).isEqualTo(12);
    assertThat(stats.failures()).isEqualTo(6);
    assertThat(lines(out.resolve(GenerationRun.FAILURES))).allSatisfy(l -> assertThat(l)
        .contains("\"kind\":\"INVALID_UNICODE\"").contains("unpaired surrogate \\\\ud800"));
    assertThat(Files.readString(out.resolve(GenerationRun.ROWS))).doesNotContain("question 1");
  }

  /** Content, a trace, or tool calls with arguments, as a model would answer each question. */
  private static final FakeChatServer.Reply TOOLS_MODEL = exchange -> {
    if (!requestBody(exchange).contains("question 2")) {
      MODEL.answer(exchange);
      return;
    }
    status(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"test-model\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
        + "\"reasoning_content\":\"I should look it up. \u00e9\ud83d\ude00\","
        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
        + "\"lookup\",\"arguments\":\"{\\\"q\\\": \\\"question 2\\\", \\\"n\\\": 10}\"}},"
        + "{\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"calc\","
        + "\"arguments\":\"{\\\"expr\\\": \\\"2+2\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
        + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":30,\"total_tokens\":50}}")
        .answer(exchange);
  };

  @Test
  void streamedAnswersGiveTheRowsOfTheWholeAnswersByteForByte() throws Exception {
    FakeChatServer server = server().otherwise(TOOLS_MODEL);
    List<Sample> prompts = prompts(4);
    run(server, false, false, 0.5).run(prompts.iterator(), dir.resolve("whole"));
    int whole = server.requests();
    run(server, true, false, 0.5).run(prompts.iterator(), dir.resolve("streamed"));
    // A server that streams whether asked or not.
    FakeChatServer onlyStreams = server().streamingOnly().otherwise(TOOLS_MODEL);
    run(onlyStreams, false, false, 0.5).run(prompts.iterator(), dir.resolve("only"));

    byte[] expected = Files.readAllBytes(dir.resolve("whole").resolve(GenerationRun.ROWS));
    assertThat(new String(expected, StandardCharsets.UTF_8)).contains("\"name\":\"lookup\"")
        .contains("\"call_2\"").contains("completion_tokens\\\":30");
    assertThat(Files.readAllBytes(dir.resolve("streamed").resolve(GenerationRun.ROWS)))
        .isEqualTo(expected);
    assertThat(Files.readAllBytes(dir.resolve("only").resolve(GenerationRun.ROWS)))
        .isEqualTo(expected);
    assertThat(server.bodies().subList(whole, server.requests()))
        .allMatch(b -> b.contains("\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
    assertThat(server.bodies().subList(0, whole)).noneMatch(b -> b.contains("stream"));
  }

  private static Path promptFile(Path file, int from, int count) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      b.append("{\"prompt\": \"question ").append(i).append("\"}\n");
    }
    Files.writeString(file, b.toString());
    return file;
  }

  private GenerationRun.Stats runFile(FakeChatServer server, Path prompts, Path out,
      boolean resume) throws Exception {
    List<dev.refinery.io.InputFile> files = Inputs.resolve(prompts.toString());
    return run(server, false, resume, 0.5).run(files, Formats.detect(files.get(0)), out);
  }

  @Test
  void aResumeWithAnotherPromptsFileIsRefusedNamingBoth() throws Exception {
    FakeChatServer server = server().otherwise(MODEL);
    Path first = promptFile(dir.resolve("first.jsonl"), 0, 5);
    Path out = dir.resolve("digest");
    runFile(server, first, out, false);
    int before = server.requests();
    byte[] rows = Files.readAllBytes(out.resolve(GenerationRun.ROWS));

    Path other = promptFile(dir.resolve("other.jsonl"), 100, 12);
    assertThatThrownBy(() -> runFile(server, other, out, true))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("settings.json: --resume with another input than the earlier run: "
            + other + " (sha256 " + FileDigests.sha256(other) + ") is not " + first + " (sha256 "
            + FileDigests.sha256(first) + ")");
    assertThat(server.requests()).isEqualTo(before);
    assertThat(Files.readAllBytes(out.resolve(GenerationRun.ROWS))).isEqualTo(rows);

    // The same prompts under another name are the same input.
    Path moved = Files.copy(first, dir.resolve("moved.jsonl"));
    assertThat(runFile(server, moved, out, true).resumed()).isEqualTo(30);
  }

  @Test
  void settingsAreSortedJsonAndOldJavaTextSettingsGetAClearMessage() throws Exception {
    FakeChatServer server = server().otherwise(MODEL);
    Path prompts = promptFile(dir.resolve("p.jsonl"), 0, 2);
    Path out = dir.resolve("settings-json");
    runFile(server, prompts, out, false);
    String text = Files.readString(out.resolve(GenerationRun.SETTINGS));

    assertThat(text).doesNotContain("PromptOptions[").doesNotContain(KEY);
    Map<?, ?> settings = (Map<?, ?>) Json.parse(text);
    assertThat(Json.write(settings.get("prompts")))
        .isEqualTo("{\"reasoning_toggle\":\"none\",\"system_prompt\":null,\"template\":null}");
    assertThat(settings.get("input_sha256")).isEqualTo(FileDigests.sha256(prompts));
    assertThat(List.copyOf(settings.keySet())).isSorted();
    assertThat(text).isEqualTo(Json.write(settings) + "\n");

    // What an earlier Refinery wrote: prompt options as Java text and no input digest.
    Files.writeString(out.resolve(GenerationRun.SETTINGS), "{\"model\":\"test/model\","
        + "\"prompts\":\"PromptOptions[systemPrompt=null, templates=null, toggle=NONE]\"}\n");
    assertThatThrownBy(() -> runFile(server, prompts, out, true))
        .isInstanceOf(RefineryException.class)
        .hasMessage(out.resolve(GenerationRun.SETTINGS) + ": written by an earlier Refinery that "
            + "did not record the input's digest, so this resume cannot be checked against the "
            + "earlier run's prompts and settings; run with the same options into a new folder, "
            + "or delete settings.json to resume anyway");
  }
}
