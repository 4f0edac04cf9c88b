package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.demo.SampleData;
import dev.refinery.internal.Json;
import dev.refinery.pipeline.MapStep;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Step;
import dev.refinery.pipeline.StepContext;
import dev.refinery.pipeline.StepStats;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunnerTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() throws IOException {
    data = shared.resolve("in");
    SampleData.write(data, SampleData.Spec.of(1200, 7).withShardRows(150));
    // One undecodable line in an extra JSONL shard of the chat split.
    Files.writeString(data.resolve("data/chat-00009-of-00010.jsonl"),
        "{\"uuid\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"hello there\"}]}\nnot json\n");
  }

  private PipelineSpec spec(String name, String extra) {
    return PipelineSpec.parse(name + ".yaml", """
        input: {path: %s}
        steps:
          - filter: {name: length, target: answer, min_words: 20}
          - filter: {name: turns, max_turns: 4}
        output: {path: %s, format: %s, shards: 3}
        keep_dropped: true
        seed: 1
        """.formatted(data, dir.resolve(name), extra), dir);
  }

  private static Runner.Options options(boolean resume) {
    return new Runner.Options(2, resume, Runner.Progress.NONE);
  }

  @Test
  void everyRowIsWrittenDroppedOrRejectedAndTheRunSaysSo() throws Exception {
    Runner.Result r = LocalRunner.run(Pipeline.compile(spec("a", "parquet")), options(false));
    assertThat(r.read()).isEqualTo(1202);
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.conserved()).isTrue();
    assertThat(r.dropped()).isPositive();
    assertThat(r.steps()).extracting(StepStats::name)
        .containsExactly("filter:length@answer", "filter:turns");
    assertThat(r.steps().get(0).in()).isEqualTo(1201);
    assertThat(r.steps().get(1).in()).isEqualTo(r.steps().get(0).out());

    Path run = dir.resolve("a");
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(run.resolve("stats.json")));
    assertThat(stats).containsEntry("conserved", true).containsEntry("read", 1202L);
    assertThat(run.resolve("manifest.json")).content().contains("sha256");
    assertThat(run.resolve(".work")).doesNotExist();
    long keptAside = 0;
    try (Stream<Path> files = Files.list(run.resolve("rejects"))) {
      for (Path f : files.toList()) {
        keptAside += Files.readAllLines(f).size();
      }
    }
    assertThat(keptAside).isEqualTo(r.dropped() + r.rejected());
    assertThat(r.shards()).hasSize(3).allMatch(Files::exists);
  }

  @Test
  void sameInputSpecAndSeedGiveTheSameBytes() throws Exception {
    LocalRunner.run(Pipeline.compile(spec("b1", "jsonl")), options(false));
    PipelineSpec second = spec("b2", "jsonl");
    LocalRunner.run(Pipeline.compile(second), new Runner.Options(1, false,
        Runner.Progress.NONE));
    for (int s = 0; s < 3; s++) {
      String name = "data/train-%05d-of-00003.jsonl".formatted(s);
      assertThat(Files.readAllBytes(dir.resolve("b1").resolve(name)))
          .isEqualTo(Files.readAllBytes(dir.resolve("b2").resolve(name)));
    }
  }

  @Test
  void resumeAfterACrashEndsWithTheSameOutputAsAnUninterruptedRun() throws Exception {
    LocalRunner.run(Pipeline.compile(spec("c1", "parquet")), options(false));

    PipelineSpec crashing = spec("c2", "parquet");
    Pipeline compiled = Pipeline.compile(crashing);
    List<Step> steps = new ArrayList<>(compiled.steps());
    steps.set(1, new CrashAt((MapStep) steps.get(1), 5));
    assertThatThrownBy(() -> LocalRunner.run(new Pipeline(crashing, steps), options(false)))
        .hasMessageContaining("crash");
    assertThat(dir.resolve("c2/.work")).exists();
    assertThatThrownBy(() -> LocalRunner.run(compiled, options(false)))
        .isInstanceOf(RefineryException.class).hasMessageContaining("--resume");

    Runner.Result resumed = LocalRunner.run(compiled, options(true));
    assertThat(resumed.conserved()).isTrue();
    for (int s = 0; s < 3; s++) {
      String name = "data/train-%05d-of-00003.parquet".formatted(s);
      assertThat(Files.readAllBytes(dir.resolve("c2").resolve(name)))
          .isEqualTo(Files.readAllBytes(dir.resolve("c1").resolve(name)));
    }
    assertThat(withoutTimings(Files.readString(dir.resolve("c2/stats.json"))))
        .as("stats agree but for timings")
        .isEqualTo(withoutTimings(Files.readString(dir.resolve("c1/stats.json"))));
  }

  @Test
  void resumeRefusesStageFilesAnOlderRefineryWrote() throws Exception {
    PipelineSpec crashing = spec("d", "parquet");
    Pipeline compiled = Pipeline.compile(crashing);
    List<Step> steps = new ArrayList<>(compiled.steps());
    steps.set(1, new CrashAt((MapStep) steps.get(1), 5));
    assertThatThrownBy(() -> LocalRunner.run(new Pipeline(crashing, steps), options(false)))
        .hasMessageContaining("crash");
    // What the run folder held when stage files were JSON Lines.
    List<Path> parts;
    try (Stream<Path> s = Files.walk(dir.resolve("d/.work"))) {
      parts = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
    }
    assertThat(parts).isNotEmpty();
    for (Path p : parts) {
      Files.move(p, p.resolveSibling(p.getFileName().toString()
          .replace(".parquet", ".jsonl.zst")));
    }
    assertThatThrownBy(() -> LocalRunner.run(compiled, options(true)))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("older Refinery").hasMessageContaining("d");
  }

  private static String withoutTimings(String statsJson) {
    return statsJson.replaceAll("\"seconds\":(\\{[^}]*}|[0-9.E-]+)", "\"seconds\":X");
  }

  /** The same step, except that it throws in partition {@code partition}. */
  private record CrashAt(MapStep step, int partition) implements MapStep {
    @Override
    public String name() {
      return step.name();
    }

    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      if (context.partition() == partition) {
        throw new IllegalStateException("crash in partition " + partition);
      }
      return step.apply(samples, context);
    }
  }
}
