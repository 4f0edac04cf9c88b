package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.TestData;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every command's canned pipeline, built as its CLI command builds it, writes LocalRunner's files
 * under {@link ShuffledRunner} (three shuffle seeds each, {@link SameOutputs}).
 *
 * <p>A command ported to the one runner gets one method here: build the {@link Pipeline#canned}
 * its command class builds, from the same input, steps, sink and seed, with every output (the
 * output file or folder, a rejects file) under {@link #out()}, and hand it to {@link #same}:
 *
 * <pre>{@code
 * @Test
 * void shuffle() {
 *   same(Pipeline.canned(new PipelineSpec.Input(data, "auto", List.of(), null, "shuffle IN"),
 *       List.of(CommandSteps.shuffle(...)), Sinks.shards(out().resolve("shuffled"), ...), 7,
 *       "refinery shuffle"));
 * }
 * }</pre>
 *
 * <p>{@link #data} is 900 demo rows in 6 Parquet files; a test that wants JSON Lines read in
 * byte ranges, bad records and rows a layout cannot hold writes {@link #writeMessyOpenAi}.
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

  /**
   * Writes {@code rows} OpenAI-layout JSON lines without uuids: some undecodable, some with tool
   * calls (which alpaca cannot hold), answers repeating every 50 rows; returns the bad ones.
   */
  static int writeMessyOpenAi(Path file, int rows) throws IOException {
    StringBuilder lines = new StringBuilder();
    int bad = 0;
    for (int i = 0; i < rows; i++) {
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
            .append(i % 50).append(", since adding ").append(i % 11).append(" to ")
            .append(i % 50).append(" gives it.\"}]}\n");
      }
    }
    Files.writeString(file, lines.toString());
    return bad;
  }

  @ParameterizedTest
  @CsvSource({"nemotron, all.jsonl", "sharegpt, all.parquet", "openai, all.jsonl.zst",
      "nemotron, all.json"})
  void convert(String to, String file) {
    LocalRunner.Result r = same(convert(data, "auto", to, out().resolve(file), null));
    assertThat(r.written()).isEqualTo(900);
  }

  /** Public imports: a JSON array with tool calls (README's example), reasoning rows in JSONL. */
  @ParameterizedTest
  @CsvSource({"llamafactory-demo/glaive_toolcall_en_demo.json, nemotron, glaive.jsonl",
      "llamafactory-demo/glaive_toolcall_en_demo.json, openai, glaive.parquet",
      "llamafactory-demo/reason_tool_use_demo_50.jsonl, nemotron, reason.parquet"})
  void convertPublicData(String in, String to, String file) {
    Path rejects = out().resolve("rejects.jsonl");
    LocalRunner.Result r = same(convert(TestData.file(in), "auto", to, out().resolve(file),
        rejects));
    assertThat(r.written()).isPositive();
  }

  /** The harness itself: a sink whose bytes tell how the rows were cut is caught. */
  @Test
  void aSinkThatDependsOnPartitionsIsCaught() {
    Path file = out().resolve("sizes.txt");
    Sink sizes = new Sink() {
      @Override
      public Path runFolder() {
        return Sinks.runFolderOf(file);
      }

      @Override
      public Map<String, Object> describe() {
        return Map.of("kind", "sizes");
      }

      @Override
      public boolean clearsEarlierRun() {
        return true;
      }

      @Override
      public List<Path> write(SinkInput in) {
        try {
          Files.writeString(file, Arrays.toString(in.rows()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return List.of(file);
      }
    };
    Pipeline pipeline = Pipeline.canned(
        new PipelineSpec.Input(data, "auto", List.of(), null, "test IN"), List.of(), sizes, 0,
        "test");
    assertThatThrownBy(() -> same(pipeline)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("sizes.txt, shuffle seed 1");
  }

  /**
   * JSON Lines the shuffled runner reads in byte ranges: undecodable lines and rows alpaca cannot
   * hold go to --rejects, the rest get content uuids.
   */
  @Test
  void convertWithRejects() throws IOException {
    Path in = dir.resolve("openai.jsonl");
    int bad = writeMessyOpenAi(in, 600);
    Path rejects = out().resolve("bad.jsonl");
    LocalRunner.Result r = same(convert(in, "openai", "alpaca", out().resolve("alpaca.jsonl"),
        rejects));
    assertThat(r.rejected()).isEqualTo(bad);
    assertThat(rejects).isNotEmptyFile();
  }
}
