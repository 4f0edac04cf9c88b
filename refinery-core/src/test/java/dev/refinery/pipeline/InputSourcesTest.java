package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.run.Runner;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's input as several named sources, in YAML, and a blend grouping rows by source. */
class InputSourcesTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() {
    data = shared.resolve("in");
    SampleData.write(data, SampleData.Spec.of(1200, 3).withFileKind(FileKind.JSONL)
        .withShardRows(100));
  }

  private PipelineSpec spec(String name, String sources, String steps, long partitionSize) {
    return PipelineSpec.parse(name + ".yaml", """
        input:
          sources: %s
          partition_size: %d
        steps:
        %s
        output: {path: %s, format: jsonl, shards: 2}
        seed: 5
        """.formatted(sources, partitionSize, steps, dir.resolve(name)), dir);
  }

  private static final String MATH_AND_CODE = "{m: {path: %s, splits: [math]}, "
      + "c: {path: %s, splits: code}}";

  private String sources() {
    return MATH_AND_CODE.formatted(data, data);
  }

  private List<Sample> output(String name) {
    List<Sample> out = new ArrayList<>();
    for (InputFile f : Inputs.resolve(dir.resolve(name).resolve("data").toString())) {
      try (SampleReader r = SampleReader.open(f, Formats.nemotron(), RejectHandler.FAIL)) {
        r.forEachRemaining(out::add);
      }
    }
    return out;
  }

  @Test
  void rowIdsNumberTheSourcesFilesInOrderAndTellEachRowsSource() {
    PipelineSpec spec = spec("ids", sources(), "  - filter: {name: length, min_chars: 0}", 1 << 30);
    List<InputFile> math = Inputs.resolve(data.toString(), List.of("math"));
    List<InputFile> code = Inputs.resolve(data.toString(), List.of("code"));
    SourceTable table = SourceTable.of(spec.input());
    assertThat(table.names()).containsExactly("m", "c");
    assertThat(table.firstFiles()).containsExactly(0, math.size());
    assertThat(table.nameOf(RowId.of(math.size() - 1, 7))).isEqualTo("m");
    assertThat(table.nameOf(RowId.of(math.size(), 0).derive(2))).isEqualTo("c");
    assertThat(table.nameOf(RowId.of(math.size() + code.size() - 1, 0))).isEqualTo("c");

    Runner.Result r = Runner.local().run(Pipeline.compile(spec),
        new Runner.Options(2, false, Runner.Progress.NONE));
    List<Sample> rows = output("ids");
    assertThat(r.read()).isEqualTo(rows.size());
    // Math rows first (the first source), then code, each in its files' order.
    List<String> categories = rows.stream().map(Sample::category).distinct().toList();
    assertThat(categories).containsExactly("math", "code");
  }

  @Test
  void blendBySourceTakesEachSourcesShareTheSameForAnyWorkersAndPartitions() throws Exception {
    String blend = "  - blend: {by: source, weights: {m: 3, c: 1}, total_samples: 400}";
    Runner.local().run(Pipeline.compile(spec("one", sources(), blend, 1 << 30)),
        new Runner.Options(1, false, Runner.Progress.NONE));
    Runner.local().run(Pipeline.compile(spec("many", sources(), blend, 2048)),
        new Runner.Options(3, false, Runner.Progress.NONE));
    Map<String, Long> counts = new TreeMap<>();
    output("one").forEach(s -> counts.merge(s.category(), 1L, Long::sum));
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("math", 300L, "code", 100L));
    assertThat(Files.readString(dir.resolve("one/blend_manifest.json")))
        .contains("\"by\":\"source\"", "\"group\":\"m\"", "\"group\":\"c\"");
    for (String f : List.of("data/train-00000-of-00002.jsonl", "data/train-00001-of-00002.jsonl",
        "blend_manifest.json")) {
      assertThat(Files.readAllBytes(dir.resolve("many").resolve(f))).as(f)
          .isEqualTo(Files.readAllBytes(dir.resolve("one").resolve(f)));
    }
    assertThat(Files.readString(dir.resolve("many/run.log"))).contains("partitions");
  }

  @Test
  void badSourcesNameTheYamlLine() {
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input:
          path: x
          sources: {a: y}
        output: {path: o}
        """, dir)).isInstanceOf(RefineryException.class)
        .hasMessage("p.yaml:3 input.sources: give input.path or input.sources, not both");
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input:
          sources:
            a: {path: y, split: [math]}
        output: {path: o}
        """, dir)).hasMessageStartingWith("p.yaml:3 input.sources.a.split: unknown key 'split'");
    assertThatThrownBy(() -> Pipeline.compile(PipelineSpec.parse("p.yaml", """
        input:
          sources:
            a: %s
            b: %s
        output: {path: o}
        """.formatted(data, dir.resolve("missing")), dir)))
        .hasMessageStartingWith("p.yaml:4 input.sources.b: source 'b': ");
    assertThatThrownBy(() -> Pipeline.compile(PipelineSpec.parse("p.yaml", """
        input: {path: %s}
        steps:
          - blend: {by: source, weights: {a: 1}, total_samples: 10}
        output: {path: o}
        """.formatted(data), dir)))
        .hasMessageStartingWith("p.yaml:3 steps[0].blend.by: blending by source needs named "
            + "sources");
    assertThatThrownBy(() -> Pipeline.compile(PipelineSpec.parse("p.yaml", """
        input:
          sources: {a: %s}
        steps:
          - blend: {by: source, weights: {a: 1, web: 2}, total_samples: 10}
        output: {path: o}
        """.formatted(data), dir)))
        .hasMessageStartingWith("p.yaml:4 steps[0].blend.weights: 'web' is not a source; "
            + "sources: a");
  }
}
