package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every command's canned pipeline, built as its CLI command builds it, writes LocalRunner's files
 * under {@link ShuffledRunner} (three shuffle seeds each, {@link SameOutputs}). A command added
 * to the one runner gets a test here: build its {@link Pipeline#canned} with every output under
 * {@code out}, and call {@link SameOutputs#assertSameFiles}.
 */
class ShuffledCommandsTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() {
    data = shared.resolve("in");
    SampleData.write(data, SampleData.Spec.of(900, 13).withShardRows(150));
  }

  private Path out() {
    return dir.resolve("out");
  }

  private LocalRunner.Result same(Pipeline pipeline) {
    return SameOutputs.assertSameFiles(pipeline, out(), dir.resolve("scratch"));
  }

  /** As {@code refinery convert [--from FROM] --to TO IN OUT [--rejects R]} builds it. */
  private static Pipeline convert(Path in, String from, String to, Path out, Path rejects) {
    return Pipeline.canned(new PipelineSpec.Input(in, from, List.of(), null, "convert IN"),
        List.of(CommandSteps.contentUuid()), Sinks.file(out, Formats.byName(to), rejects), 0,
        "refinery convert");
  }

  @ParameterizedTest
  @CsvSource({"nemotron, all.jsonl", "sharegpt, all.parquet", "openai, all.jsonl.zst",
      "nemotron, all.json"})
  void convert(String to, String file) {
    LocalRunner.Result r = same(convert(data, "auto", to, out().resolve(file), null));
    assertThat(r.written()).isEqualTo(900);
  }

  /**
   * JSON Lines the shuffled runner reads in byte ranges: undecodable lines and rows alpaca cannot
   * hold go to --rejects, the rest get content uuids.
   */
  @Test
  void convertWithRejects() throws IOException {
    StringBuilder lines = new StringBuilder();
    int bad = 0;
    for (int i = 0; i < 600; i++) {
      bad += i % 37 == 5 || i % 23 == 7 ? 1 : 0;
      if (i % 37 == 5) {
        lines.append("{\"messages\": [oops ").append(i).append('\n');
      } else if (i % 23 == 7) {
        lines.append("{\"messages\": [{\"role\": \"user\", \"content\": \"weather ").append(i)
            .append("?\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": "
                + "[{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"w\", "
                + "\"arguments\": \"{}\"}}]}]}\n");
      } else {
        lines.append("{\"messages\": [{\"role\": \"user\", \"content\": \"what is ").append(i)
            .append(" + ").append(i % 11).append("?\"}, {\"role\": \"assistant\", \"content\": \"")
            .append(i + i % 11).append(", since adding ").append(i % 11).append(" to ")
            .append(i).append(" gives it.\"}]}\n");
      }
    }
    Path in = dir.resolve("openai.jsonl");
    Files.writeString(in, lines.toString());
    Path rejects = out().resolve("bad.jsonl");
    LocalRunner.Result r = same(convert(in, "openai", "alpaca", out().resolve("alpaca.jsonl"),
        rejects));
    assertThat(r.rejected()).isEqualTo(bad);
    assertThat(rejects).isNotEmptyFile();
  }
}
