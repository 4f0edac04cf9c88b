package dev.refinery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.StepStats;
import dev.refinery.run.Runner;
import dev.refinery.sample.Sample;
import dev.refinery.stats.DatasetStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade as a Java program uses it: nothing but {@link Refinery} and the values it returns. */
class RefineryTest {
  /** LLaMA-Factory's identity set (Alpaca JSON): 91 rows, two prompts asked twice. */
  private static final Path IDENTITY = TestData.file("llamafactory-demo/identity.json");

  @Test
  void readsAnyFormatItIsGiven() {
    try (Stream<Sample> alpaca = Refinery.read(IDENTITY)) {
      List<Sample> rows = alpaca.toList();
      assertThat(rows).hasSize(91);
      assertThat(rows.get(0).firstUserPrompt()).isEqualTo("hi");
      assertThat(rows.get(0).finalAssistant().content()).startsWith("Hello! I am {{name}}");
    }
    try (Stream<Sample> messages = Refinery.read(
        TestData.file("nemo-skills-samples/small_sft_messages_5.jsonl").toString())) {
      assertThat(messages.filter(s -> s.messages().size() == 3).count()).isEqualTo(5);
    }
    DatasetStats stats = Refinery.stats(IDENTITY);
    assertThat(stats.totalSamples()).isEqualTo(91);
    assertThat(stats.decodedSamples()).isEqualTo(91);
  }

  @Test
  void anUndecodableRecordStopsTheStreamNamingItsLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rows.jsonl");
    Files.writeString(file, """
        {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
        {"messages": [{"role": "user", "content": "a"
        """);
    try (Stream<Sample> rows = Refinery.read(file)) {
      assertThatThrownBy(rows::toList).isInstanceOf(RefineryException.class)
          .hasMessageStartingWith(file + ":2");
    }
    List<String> rejected = new ArrayList<>();
    try (Stream<Sample> rows = Refinery.read(file.toString(), r -> rejected.add(r.describe()))) {
      assertThat(rows.count()).isEqualTo(1);
    }
    assertThat(rejected).singleElement().asString().startsWith(file + ":2");
  }

  @Test
  void yamlAndBuilderGiveTheSamePipelineAndTheSameBytes(@TempDir Path dir) throws IOException {
    Path yaml = dir.resolve("curate.yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - filter: {name: length, target: answer, min_chars: 40}
          - exact_dedup: {key: prompt}
        output: {path: from-yaml, format: parquet, shards: 2}
        seed: 7
        """.formatted(IDENTITY));
    Pipeline fromYaml = Refinery.pipeline(yaml);
    Pipeline built = Refinery.pipelineBuilder()
        .input(IDENTITY)
        .step("filter", Map.of("name", "length", "target", "answer", "min_chars", 40))
        .step("exact_dedup", Map.of("key", "prompt"))
        .output("from-builder").shards(2) // parquet: the default, as in YAML
        .seed(7)
        .baseDir(dir)
        .build();
    Map<String, Object> yamlSpec = new LinkedHashMap<>(fromYaml.spec().asMap());
    Map<String, Object> builtSpec = new LinkedHashMap<>(built.spec().asMap());
    assertThat(builtSpec.remove("output")).isEqualTo(Map.of("path",
        dir.resolve("from-builder").toString(), "format", "parquet", "shards", 2));
    yamlSpec.remove("output");
    assertThat(builtSpec).isEqualTo(yamlSpec);

    Runner.Result a = Refinery.run(fromYaml, 1);
    Runner.Result b = Refinery.run(built, 2);

    // 91 read; 8 answers shorter than 40 characters; "你好" and "你是谁？" asked twice.
    for (Runner.Result r : List.of(a, b)) {
      assertThat(r.conserved()).isTrue();
      assertThat(List.of(r.read(), r.written(), r.dropped(), r.rejected()))
          .containsExactly(91L, 81L, 10L, 0L);
      assertThat(r.steps()).hasSize(2);
      StepStats filter = r.steps().get(0);
      StepStats dedup = r.steps().get(1);
      assertThat(filter.in()).isEqualTo(r.read());
      assertThat(filter.out()).isEqualTo(filter.in() - filter.droppedTotal()).isEqualTo(83);
      assertThat(dedup.in()).isEqualTo(filter.out());
      assertThat(dedup.out()).isEqualTo(dedup.in() - dedup.droppedTotal()).isEqualTo(r.written());
      assertThat(filter.droppedTotal() + dedup.droppedTotal()).isEqualTo(r.dropped());
      assertThat(r.shards()).hasSize(2);
    }
    assertThat(a.runFolder()).isEqualTo(dir.resolve("from-yaml"));
    for (int i = 0; i < 2; i++) {
      assertThat(b.shards().get(i).getFileName()).isEqualTo(a.shards().get(i).getFileName());
      assertThat(Files.readAllBytes(b.shards().get(i)))
          .isEqualTo(Files.readAllBytes(a.shards().get(i)));
    }
    // The Parquet shards read back through the facade: the 81 kept rows, no prompt twice.
    try (Stream<Sample> out = Refinery.read(dir.resolve("from-builder/data"))) {
      assertThat(out.map(Sample::firstUserPrompt).distinct().count()).isEqualTo(81);
    }
  }

  @Test
  void pipelineFromTextResolvesAgainstItsBaseDir(@TempDir Path dir) throws IOException {
    Files.copy(TestData.file("nemo-skills-samples/small_sft_messages_5.jsonl"),
        dir.resolve("in.jsonl"));
    Pipeline p = Refinery.pipeline("""
        input: {path: in.jsonl}
        output: {path: out}
        """, dir);
    assertThat(p.spec().input().path()).isEqualTo(dir.resolve("in.jsonl"));
    assertThat(p.spec().output().path()).isEqualTo(dir.resolve("out"));
  }

  @Test
  void builderErrorsNameTheKeyPathAsYamlErrorsNameTheLine() {
    assertThatThrownBy(() -> Refinery.pipelineBuilder().input(IDENTITY)
        .step("exact_dedup")
        .step("filter", Map.of("name", "length", "min_chars", -1))
        .output("out").build())
        .isInstanceOf(RefineryException.class)
        .hasMessageStartingWith("pipeline builder steps[1].filter.min_chars: ");
    assertThatThrownBy(() -> Refinery.pipelineBuilder().input(IDENTITY).shards(0)
        .output("out").build())
        .hasMessage("pipeline builder output.shards: shards must be 1 to 100000");
    assertThatThrownBy(() -> Refinery.pipelineBuilder().output("out").build())
        .hasMessage("pipeline builder: 'input' is required");
    assertThatThrownBy(() -> Refinery.pipelineBuilder().input(IDENTITY).output("out")
        .step("filter", Map.of("name", List.of(Path.of("x")))).build())
        .hasMessageStartingWith("pipeline builder steps[0].filter.name[0]: a ");
  }
}
