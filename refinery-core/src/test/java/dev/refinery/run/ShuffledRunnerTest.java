package dev.refinery.run;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.demo.SampleData;
import dev.refinery.generate.FakeChatServer;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.ShuffledCommandsTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every step kind gives LocalRunner's files (data shards, tokenized output, rejects/, a blend's
 * manifest, a consistency step's lines) and drops under {@link ShuffledRunner}, which splits,
 * orders and moves the work differently: the proof that steps and sinks decide by row ids and
 * content only, so a cluster runner can be a translation of LocalRunner.
 */
class ShuffledRunnerTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() throws IOException {
    data = shared.resolve("in");
    // Many small files, so ids span several file indexes.
    SampleData.write(data, SampleData.Spec.of(1500, 11).withShardRows(120));
  }

  private static final String MAPS = """
        - filter: {name: structure}
        - filter: {where: "len(messages) >= 2"}
        - map: {set: {license: "license | default('cc-by-4.0')"}}
        - filter: {name: length, target: answer, min_words: 5}
      """;

  private static final String KEYED = MAPS + """
        - exact_dedup: {key: prompt}
        - fuzzy_dedup: {key: answer, threshold: 0.7}
        - decontaminate:
            benchmarks: [%s]
            ngram: 8
      """.formatted(TestData.file("gsm8k/test.jsonl"));

  private static final String CONSISTENCY = """
        - filter: {name: structure}
        - consistency: {key: prompt, min_agreement: 0.5, min_responses: 1}
      """;

  private static final String BLEND = MAPS + """
        - exact_dedup: {key: answer}
        - blend:
            by: category
            weights: {math: 0.4, code: 0.3, stem: 0.2, chat: 0.1}
            total_samples: 2000
      """;

  private static final String TOKENIZE = """
        - filter: {where: "category == 'math'"}
        - filter: {name: turns, max_turns: 6}
        - exact_dedup: {key: prompt}
        - tokenize: {tokenizer: %s, template: qwen3, max_length: 300, pack: true,
                     overflow: drop, format: jsonl}
      """.formatted(TestData.file("tokenizers/qwen3/tokenizer.json").getParent());

  /** Named sources (row ids over both sources' files), blended by source. */
  private static final String BY_SOURCE = MAPS + """
        - blend: {by: source, weights: {mc: 0.7, rest: 0.3}, total_samples: 2000}
      """;

  @ParameterizedTest
  @ValueSource(strings = {"maps", "keyed", "consistency", "blend", "tokenize", "kept", "sources"})
  void theShuffledRunnerWritesLocalRunnersFiles(String which) {
    String steps = switch (which) {
      case "maps" -> MAPS;
      case "keyed", "kept" -> KEYED;
      case "consistency" -> CONSISTENCY;
      case "tokenize" -> TOKENIZE;
      case "sources" -> BY_SOURCE;
      default -> BLEND;
    };
    String input = which.equals("sources")
        ? "{sources: {mc: {path: %s, splits: [math, code]}, rest: {path: %s, splits: [stem, "
            .formatted(data, data) + "chat, tool]}}}"
        : "{path: %s}".formatted(data);
    Path out = dir.resolve("out");
    Pipeline pipeline = Pipeline.compile(PipelineSpec.parse(which + ".yaml", """
        input: %s
        steps:
        %s
        output: {path: %s, format: jsonl, shards: 3}
        seed: 5
        keep_dropped: %s
        """.formatted(input, steps, out.resolve("run"), which.equals("kept")), dir));
    Runner.Result local = SameOutputs.assertSameFiles(pipeline, out, dir.resolve("scratch"));
    assertThat(local.written()).isPositive();
    assertThat(local.dropped()).isPositive();
    if (which.equals("tokenize")) {
      assertThat(out.resolve("run/tokenized/tokens.jsonl")).isNotEmptyFile();
    }
  }

  /**
   * JSON Lines with undecodable lines (rejects/input-*, placed by line though the shuffled
   * runner reads byte ranges) and duplicates whose drops are kept with the rows.
   */
  @Test
  void rejectsAndKeptDropsOfJsonLines() throws IOException {
    Path in = dir.resolve("openai.jsonl");
    int bad = ShuffledCommandsTest.writeMessyOpenAi(in, 700);
    Path out = dir.resolve("out");
    Pipeline pipeline = Pipeline.compile(PipelineSpec.parse("rejects.yaml", """
        input: {path: %s, format: openai}
        steps:
          - exact_dedup: {key: answer}
        output: {path: %s, format: parquet, shards: 2}
        keep_dropped: true
        """.formatted(in, out.resolve("run")), dir));
    Runner.Result local = SameOutputs.assertSameFiles(pipeline, out, dir.resolve("scratch"));
    assertThat(local.rejected()).isPositive().isLessThan(bad);
    assertThat(out.resolve("run/rejects/input-00000.jsonl")).isNotEmptyFile();
    assertThat(out.resolve("run/rejects/dropped-s1-00000.jsonl")).isNotEmptyFile();
  }

  /**
   * Generated rows (ids derived from their prompts' ids) and a judge's drops, kept with their
   * rows: both steps send requests concurrently, and the server answers by content only.
   */
  @Test
  void generateAndJudge() throws IOException {
    StringBuilder prompts = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      prompts.append("{\"prompt\": \"What is ").append(i).append(" + ").append(i % 7)
          .append("?\"}\n");
    }
    Path in = dir.resolve("prompts.jsonl");
    Files.writeString(in, prompts.toString());
    Path out = dir.resolve("out");
    try (FakeChatServer server = new FakeChatServer()) {
      server.otherwise(exchange -> {
        String body = FakeChatServer.requestBody(exchange);
        int h = Math.floorMod(body.hashCode(), 1000);
        ok(completion(body.contains("GRADE") ? "Fine.\nGRADE: " + h % 11 : "Answer " + h % 24,
            null)).answer(exchange);
      });
      Pipeline pipeline = Pipeline.compile(PipelineSpec.parse("chat.yaml", """
          input: {path: %s}
          steps:
            - generate: {endpoint: "%2$s", model: gen-m, reasoning: off, n: 3, concurrency: 4}
            - judge: {endpoint: "%2$s", model: judge-m, rubric: "Correct.", min_grade: 4,
                      concurrency: 3}
            - exact_dedup: {key: answer}
          output: {path: %3$s, format: jsonl, shards: 2}
          seed: 11
          keep_dropped: true
          """.formatted(in, server.baseUrl(), out.resolve("run")), dir));
      Runner.Result local = SameOutputs.assertSameFiles(pipeline, out,
          dir.resolve("scratch"));
      assertThat(local.steps()).anySatisfy(s -> assertThat(s.dropped())
          .containsKey("judge_low_grade"));
      assertThat(local.written()).isPositive();
    }
  }
}
