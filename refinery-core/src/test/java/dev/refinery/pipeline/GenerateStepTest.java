package dev.refinery.pipeline;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.ok;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.generate.FakeChatServer;
import dev.refinery.io.Inputs;
import dev.refinery.run.Runner;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateStepTest {
  @TempDir
  Path dir;
  private final FakeChatServer server = new FakeChatServer();


  @AfterEach
  void stop() {
    server.close();
  }

  private Runner.Result run(String name, String params, int workers) throws Exception {
    PipelineSpec spec = PipelineSpec.parse(name + ".yaml", """
        input: {path: %s}
        steps:
          - generate: {endpoint: "%s", model: gen-m, %s}
        output: {path: %s, format: jsonl, shards: 1}
        seed: 7
        keep_dropped: true
        """.formatted(dir.resolve("in.jsonl"), server.baseUrl(), params, dir.resolve(name)), dir);
    return Runner.local().run(Pipeline.compile(spec),
        new Runner.Options(workers, false, Runner.Progress.NONE));
  }

  private void prompts(int n) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"prompt\": \"What is ").append(i).append(" + 2?\"}\n");
    }
    Files.writeString(dir.resolve("in.jsonl"), b.toString());
  }

  private static List<Sample> rows(Runner.Result r) {
    List<Sample> out = new ArrayList<>();
    try (SampleReader reader = SampleReader.open(Inputs.resolve(r.shards().get(0).toString()),
        Formats.nemotron(), RejectHandler.FAIL)) {
      reader.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void everyPromptModeAndIndexEndsAsOneRowOrOneDropAndTheRunIsConserved() throws Exception {
    prompts(12);
    AtomicInteger count = new AtomicInteger();
    // Every 5th request fails for good (400); the rest answer with a trace when asked to think.
    server.otherwise(exchange -> {
      String body = FakeChatServer.requestBody(exchange);
      if (count.incrementAndGet() % 5 == 0) {
        status(400, "{\"error\": {\"message\": \"bad request\"}}").answer(exchange);
        return;
      }
      boolean on = body.contains("detailed thinking on");
      ok(completion((on ? "<think>\nhmm\n</think>\n\n" : "") + "It is 4.", null))
          .answer(exchange);
    });
    Runner.Result r = run("a", "reasoning: both, n: 2, concurrency: 3", 2);
    // 12 prompts x 2 modes x 2 = 48 planned rows: read 12 + repeated 36 = written + dropped.
    assertThat(r.read()).isEqualTo(12);
    assertThat(r.repeated()).isEqualTo(36);
    assertThat(r.written() + r.dropped()).isEqualTo(48);
    assertThat(r.dropped()).isPositive();
    assertThat(r.conserved()).isTrue();
    List<Sample> rows = rows(r);
    assertThat(rows).hasSize((int) r.written());
    assertThat(new HashSet<>(rows.stream().map(Sample::uuid).toList())).hasSize(rows.size());
    assertThat(rows).allSatisfy(s -> assertThat(s.generator()).isEqualTo("gen-m"));
    assertThat(rows.stream().filter(Sample::reasoningOn).findFirst().orElseThrow().messages()
        .get(rows.get(0).messages().size() - 1).content()).startsWith("<think>\nhmm");
  }

  @Test
  void theSameServerAnswersGiveTheSameBytesForAnyNumberOfWorkers() throws Exception {
    prompts(9);
    server.otherwise(exchange -> ok(completion("Answer for "
        + Math.floorMod(FakeChatServer.requestBody(exchange).hashCode(), 1000), null))
        .answer(exchange));
    Runner.Result one = run("one", "reasoning: off, n: 3, concurrency: 4", 1);
    Runner.Result two = run("two", "reasoning: off, n: 3, concurrency: 4", 2);
    assertThat(one.written()).isEqualTo(27);
    assertThat(Files.readString(two.shards().get(0)))
        .isEqualTo(Files.readString(one.shards().get(0)));
  }

  @Test
  void badParametersFailBeforeAnyWorkNamingTheLine() throws Exception {
    prompts(1);
    assertThatThrownBy(() -> run("b1", "n: 0", 1))
        .hasMessageContaining("b1.yaml:3 steps[0].generate.n: expected an integer from 1 to ");
    assertThatThrownBy(() -> run("b2", "reasoning: maybe", 1))
        .hasMessageContaining("b2.yaml:3 steps[0].generate.reasoning");
    assertThatThrownBy(() -> run("b3", "api_key_env: REFINERY_SURELY_UNSET", 1))
        .hasMessageContaining("b3.yaml:3 steps[0].generate.api_key_env");
    assertThatThrownBy(() -> run("b4", "mode_style: deepseek-r1, reasoning: both", 1))
        .hasMessageContaining("b4.yaml:3 steps[0].generate.reasoning");
    assertThat(dir.resolve("b1")).doesNotExist();
  }

  @Test
  void aWrongKeyStopsTheRunWithTheServersAnswerAndWhatToCheck() throws Exception {
    prompts(40);
    server.otherwise(status(401, "{\"error\": {\"message\": \"Invalid API key\"}}"));
    assertThatThrownBy(() -> run("k", "reasoning: off, concurrency: 2", 1))
        .hasMessageContaining("HTTP 401 from " + server.baseUrl() + "/chat/completions: "
            + "Invalid API key; check the API key");
    assertThat(server.requests()).isLessThan(10); // not one request per prompt
  }

  @Test
  void streamedAnswersGiveTheSameBytes() throws Exception {
    prompts(6);
    server.otherwise(exchange -> {
      boolean on = FakeChatServer.requestBody(exchange).contains("detailed thinking on");
      // The answer hangs on the request, less the streaming fields.
      String asked = FakeChatServer.requestBody(exchange)
          .replace(",\"stream\":true,\"stream_options\":{\"include_usage\":true}", "");
      ok(completion((on ? "<think>\nhmm, let me see\n</think>\n\n" : "") + "It is "
          + Math.floorMod(asked.hashCode(), 1000), null))
          .answer(exchange);
    });
    Runner.Result whole = run("whole", "reasoning: both, n: 2", 1);
    int before = server.requests();
    Runner.Result streamed = run("streamed", "reasoning: both, n: 2, stream: true", 1);
    assertThat(whole.written()).isEqualTo(24);
    assertThat(server.bodies().subList(before, server.requests()))
        .allMatch(b -> b.contains("\"stream\":true"));
    assertThat(Files.readString(streamed.shards().get(0)))
        .isEqualTo(Files.readString(whole.shards().get(0)));
  }

  @Test
  void aPartitionWhereMostGenerationsFailStopsTheRun() throws Exception {
    prompts(60);
    AtomicInteger count = new AtomicInteger();
    server.otherwise(exchange -> {
      if (count.incrementAndGet() % 4 != 0) {
        status(400, "{\"error\": {\"message\": \"bad request\"}}").answer(exchange);
      } else {
        ok(completion("It is 4.", null)).answer(exchange);
      }
    });
    assertThatThrownBy(() -> run("rate", "reasoning: off, concurrency: 1", 1))
        .hasMessageContaining("more than generate.max_failure_rate 0.5 allows; the last: "
            + "HTTP_STATUS 400, reasoning off, sample 0, prompt ")
        .hasMessageContaining("fix the cause and run again with --resume");
    assertThat(run("rate-ok", "reasoning: off, concurrency: 1, max_failure_rate: 0.9", 1)
        .dropped()).isEqualTo(45);
    assertThatThrownBy(() -> run("rate-bad", "max_failure_rate: 1.5", 1))
        .hasMessageContaining("rate-bad.yaml:3 steps[0].generate.max_failure_rate: expected a "
            + "number from 0 to 1, got 1.5");
  }
}
