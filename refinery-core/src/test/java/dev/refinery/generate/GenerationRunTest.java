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
}
