package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every step kind gives LocalRunner's rows and drops under {@link ShuffledRunner}, which splits,
 * orders and moves the work differently: the proof that steps decide by row ids and content
 * only, so a cluster runner can be a translation of LocalRunner.
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

  /** Named sources (row ids over both sources' files), blended by source. */
  private static final String BY_SOURCE = MAPS + """
        - blend: {by: source, weights: {mc: 0.7, rest: 0.3}, total_samples: 2000}
      """;

  @ParameterizedTest
  @ValueSource(strings = {"maps", "keyed", "consistency", "blend", "sources"})
  void theShuffledRunnerWritesLocalRunnersRowsAndDrops(String which) throws IOException {
    String steps = switch (which) {
      case "maps" -> MAPS;
      case "keyed" -> KEYED;
      case "consistency" -> CONSISTENCY;
      case "sources" -> BY_SOURCE;
      default -> BLEND;
    };
    String input = which.equals("sources")
        ? "{sources: {mc: {path: %s, splits: [math, code]}, rest: {path: %s, splits: [stem, "
            .formatted(data, data) + "chat, tool]}}}"
        : "{path: %s}".formatted(data);
    Path out = dir.resolve(which);
    Pipeline pipeline = Pipeline.compile(PipelineSpec.parse(which + ".yaml", """
        input: %s
        steps:
        %s
        output: {path: %s, format: jsonl, shards: 3}
        seed: 5
        """.formatted(input, steps, out), dir));
    LocalRunner.Result local = LocalRunner.run(pipeline,
        new LocalRunner.Options(2, false, LocalRunner.Progress.NONE));
    List<Sample> written = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(out.resolve("data").toString(), java.util.Set.of()),
        Formats.nemotron(), RejectHandler.FAIL)) {
      r.forEachRemaining(written::add);
    }
    assertThat(written).hasSize((int) local.written());
    assertThat(local.dropped()).isPositive();

    for (long seed = 1; seed <= 3; seed++) {
      ShuffledRunner.Result shuffled = ShuffledRunner.run(pipeline, seed);
      assertThat(shuffled.read()).isEqualTo(local.read());
      assertThat(shuffled.repeated()).isEqualTo(local.repeated());
      assertThat(ShuffledRunner.nonZero(shuffled.drops()))
          .as("drops by step and reason, shuffle seed %d", seed)
          .isEqualTo(ShuffledRunner.dropsOf(local.steps()));
      assertThat(shuffled.rows()).as("rows in output order, shuffle seed %d", seed)
          .containsExactlyElementsOf(written);
    }
  }
}
