package dev.refinery.pipeline;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.ok;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.generate.FakeChatServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose generate step dropped rows as generation_failed finished, but its failures can be
 * sent again: --resume redoes the partitions that had them (and every later stage), and ends
 * as a run whose server never failed would have. It said "the run folder is not empty" before.
 */
class RetryFailedRequestsTest {
  @TempDir Path dir;
  private final FakeChatServer server = new FakeChatServer();


  @AfterEach
  void stop() {
    server.close();
  }

  private Pipeline pipeline(String out) throws Exception {
    return Pipeline.compile(PipelineSpec.parse(out + ".yaml", """
        input: {path: %s, format: prompt}
        steps:
          - generate: {endpoint: "%s", model: m, reasoning: off, max_attempts: 1, concurrency: 2}
          - exact_dedup: {key: answer}
        output: {path: %s, format: jsonl, shards: 2}
        seed: 3
        """.formatted(dir.resolve("in"), server.baseUrl(), dir.resolve(out)), dir));
  }

  private static LocalRunner.Options options(boolean resume) {
    return new LocalRunner.Options(2, resume, LocalRunner.Progress.NONE);
  }

  @Test
  void resumeSendsTheFailedRequestsAgainAndEndsAsIfNoneHadFailed() throws Exception {
    Files.createDirectories(dir.resolve("in"));
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      a.append("{\"prompt\": \"What is ").append(i).append(" + 1?\"}\n");
      b.append("{\"prompt\": \"What is ").append(i).append(" + 2?\"}\n");
    }
    Files.writeString(dir.resolve("in/a.jsonl"), a.toString());
    Files.writeString(dir.resolve("in/b.jsonl"), b.toString());
    List<String> asked = new CopyOnWriteArrayList<>();
    boolean[] failing = {true};
    server.otherwise(exchange -> {
      String body = FakeChatServer.requestBody(exchange);
      asked.add(body);
      if (failing[0] && body.contains("3 + 2?")) {
        status(400, "{\"error\": {\"message\": \"bad request\"}}").answer(exchange);
        return;
      }
      ok(completion("Answer " + Math.floorMod(body.hashCode(), 97), null)).answer(exchange);
    });

    failing[0] = false;
    LocalRunner.Result clean = LocalRunner.run(pipeline("clean"), options(false));
    assertThat(clean.failedRequests()).isZero();
    assertThat(dir.resolve("clean/.work")).doesNotExist();
    failing[0] = true;
    asked.clear();

    LocalRunner.Result first = LocalRunner.run(pipeline("out"), options(false));
    assertThat(first.failedRequests()).isEqualTo(1);
    assertThat(first.conserved()).isTrue();
    assertThat(dir.resolve("out/stats.json")).exists();
    assertThatThrownBy(() -> LocalRunner.run(pipeline("out"), options(false)))
        .hasMessageContaining("a finished run is here (stats.json); 1 of its requests failed: "
            + "--resume retries them");

    failing[0] = false;
    asked.clear();
    LocalRunner.Result retried = LocalRunner.run(pipeline("out"), options(true));
    assertThat(retried.alreadyFinished()).isFalse();
    assertThat(retried.failedRequests()).isZero();
    assertThat(retried.written()).isEqualTo(clean.written());
    // Only the partition that had the failure is sent again (b.jsonl's six prompts).
    assertThat(asked).hasSize(6).allMatch(body -> body.contains(" + 2?"));
    for (int s = 0; s < 2; s++) {
      String name = "data/train-%05d-of-00002.jsonl".formatted(s);
      assertThat(Files.readString(dir.resolve("out").resolve(name)))
          .isEqualTo(Files.readString(dir.resolve("clean").resolve(name)));
    }
    assertThat(dir.resolve("out/.work")).doesNotExist();

    LocalRunner.Result again = LocalRunner.run(pipeline("out"), options(true));
    assertThat(again.alreadyFinished()).isTrue();
  }
}
