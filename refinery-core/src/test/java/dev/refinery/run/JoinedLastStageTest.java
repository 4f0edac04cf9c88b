package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sink;
import dev.refinery.pipeline.StepStats;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A last stage that only joins a keyed step's verdicts writes no stage file: its numbers come
 * from the verdicts counted by partition, and the sink reads the stage before's rows through
 * them (the input's dropped rows passed over undecoded). The output, rejects and stats.json must
 * be those of the stage-file path, and a run killed while the sink writes must resume to them.
 */
class JoinedLastStageTest {
  @TempDir Path dir;
  Path in;

  /**
   * Two JSON Lines files (one with an undecodable line) and a Parquet file of "prompt N" rows
   * that repeat, some with a one-word answer; small partitions, so files split.
   */
  @BeforeEach
  void input() throws IOException {
    in = dir.resolve("in");
    Files.createDirectories(in);
    SplittableRandom random = new SplittableRandom(3);
    for (String name : List.of("a.jsonl", "c.jsonl")) {
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 150; i++) {
        lines.append(Json.write(Formats.nemotron().encode(row(name + i, random)))).append('\n');
        if (i == 70 && name.equals("a.jsonl")) {
          lines.append("not json\n");
        }
      }
      Files.writeString(in.resolve(name), lines);
    }
    SampleWriter parquet = SampleWriter.create(in.resolve("b.parquet"), Formats.nemotron());
    for (int i = 0; i < 150; i++) {
      parquet.write(row("b" + i, random));
    }
    parquet.close();
  }

  private static Sample row(String uuid, SplittableRandom random) {
    return Sample.builder().uuid(uuid).messages(List.of(
        Message.of("user", "prompt " + random.nextInt(120)),
        Message.of("assistant", random.nextInt(5) == 0 ? "yes" : "an answer"))).build();
  }

  private PipelineSpec spec(String name, String steps) {
    return PipelineSpec.parse(name + ".yaml", """
        input: {path: %s, format: nemotron, partition_size: 4096}
        steps:
        %s
        output: {path: %s, format: jsonl, shards: 3}
        seed: 2
        """.formatted(in, steps, dir.resolve(name)), dir);
  }

  /** Every verdict kind (drops of two reasons, extra copies) on the input's own rows. */
  private Pipeline testStep(String name) {
    return new Pipeline(spec(name, "  - exact_dedup: {key: prompt}"),
        List.of(new KeyedStageTest.TestStep()));
  }

  /** exact_dedup after a filter: the stage before is a stage file, not the input. */
  private Pipeline afterFilter(String name) {
    return Pipeline.compile(spec(name, """
          - filter: {name: length, target: answer, min_words: 2}
          - exact_dedup: {key: prompt}"""));
  }

  private Runner.Result run(Pipeline p, boolean resume) {
    return run(p, resume, true);
  }

  private Runner.Result run(Pipeline p, boolean resume, boolean joinLastStage) {
    return LocalRunner.run(p, new Runner.Options(2, resume, Runner.Progress.NONE),
        joinLastStage);
  }

  @Test
  void theOutputRejectsAndStatsAreThoseOfTheStageFilePath() throws IOException {
    for (String kind : List.of("test", "filter")) {
      Runner.Result staged = run(kind.equals("test") ? testStep(kind + "-staged")
          : afterFilter(kind + "-staged"), false, false);
      Runner.Result joined = run(kind.equals("test") ? testStep(kind + "-joined")
          : afterFilter(kind + "-joined"), false);

      assertThat(joined.conserved()).isTrue();
      assertThat(joined.rejected()).as(kind).isEqualTo(1);
      assertThat(joined.dropped()).as(kind).isPositive();
      if (kind.equals("test")) {
        assertThat(joined.repeated()).isPositive();
      }
      assertThat(List.of(joined.read(), joined.written(), joined.dropped(), joined.rejected(),
          joined.repeated())).as(kind).isEqualTo(List.of(staged.read(), staged.written(),
          staged.dropped(), staged.rejected(), staged.repeated()));
      assertThat(contents(dir.resolve(kind + "-joined"))).as(kind)
          .isEqualTo(contents(dir.resolve(kind + "-staged")));
      // The joined step ran inside the sink: its time is the sink's time in it, not nothing.
      StepStats last = joined.steps().get(joined.steps().size() - 1);
      assertThat(last.name())
          .isEqualTo(kind.equals("test") ? "test_keyed" : "exact_dedup@prompt");
      assertThat(last.nanos()).as(kind).isPositive();
    }
  }

  @Test
  void aRunKilledWhileTheSinkWritesResumesToTheSameBytes() throws IOException {
    run(testStep("whole"), false);

    Pipeline p = testStep("killed");
    // The state a kill leaves while the last shard is written: the others whole, it not yet.
    Sink killing = new Sink() {
      @Override
      public Path runFolder() {
        return p.sink().runFolder();
      }

      @Override
      public Map<String, Object> describe() {
        return p.sink().describe();
      }

      @Override
      public List<Path> write(SinkInput input) {
        List<Path> shards = p.sink().write(input);
        try {
          Files.delete(shards.get(shards.size() - 1));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        throw new IllegalStateException("killed while writing the last shard");
      }
    };
    assertThatThrownBy(() -> run(new Pipeline(p.spec(), p.steps(), killing), false))
        .hasMessageContaining("killed");
    RunFolder folder = new RunFolder(dir.resolve("killed"));
    int partitions = 0;
    while (Files.exists(folder.marker(1, partitions))) {
      assertThat(folder.part(1, partitions)).as("no stage file of the last stage").doesNotExist();
      partitions++;
    }
    assertThat(partitions).isGreaterThan(3);

    Runner.Result resumed = run(p, true);
    assertThat(resumed.conserved()).isTrue();
    assertThat(contents(dir.resolve("killed"))).isEqualTo(contents(dir.resolve("whole")));
  }

  /** data/ and rejects/ by digest, and stats.json less its timings. */
  private static Map<String, String> contents(Path run) throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (String folder : List.of("data", "rejects")) {
      try (Stream<Path> s = Files.walk(run.resolve(folder))) {
        for (Path f : s.filter(Files::isRegularFile).toList()) {
          files.put(run.relativize(f).toString(), FileDigests.sha256(f));
        }
      }
    }
    files.put("stats.json", Files.readString(run.resolve("stats.json"))
        .replaceAll("\"seconds\":(\\{[^}]*}|[0-9.E-]+)", "\"seconds\":X"));
    return files;
  }
}
