package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.io.Inputs;
import dev.refinery.io.TestParquet;
import dev.refinery.run.Runner;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code output: {shuffle: true}}: the rows of a pipeline's output in the seeded order of their
 * ids, cut into the shards afterwards; the same shards for any partition size, any workers and
 * any sort memory.
 */
class ShuffledOutputTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() throws IOException {
    data = shared.resolve("in");
    Files.createDirectories(data);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(TestRows.qa("p" + i, "What is " + (i % 450) + " twice?",
          i % 9 == 0 ? "no" : "It is " + (2 * (i % 450)) + ", as it happens."));
    }
    TestParquet.write(data.resolve("a.parquet"), rows, 20);
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      jsonl.append(Json.write(TestRows.qa("j" + i, "How many legs have " + i + " cats?",
          "They have " + (4 * i) + " legs between them."))).append('\n');
    }
    Files.writeString(data.resolve("b.jsonl"), jsonl.toString());
  }

  private Runner.Result run(String name, long partitionSize, int workers, boolean shuffle,
      long seed) {
    return run(name, partitionSize, workers, shuffle, seed, Runner.Options.DEFAULT_SORT_MEMORY);
  }

  private Runner.Result run(String name, long partitionSize, int workers, boolean shuffle,
      long seed, long sortMemory) {
    PipelineSpec spec = PipelineSpec.parse(name + ".yaml", """
        input: {path: %s, format: nemotron, partition_size: %d}
        steps:
          - filter: {name: length, target: answer, min_words: 3}
          - exact_dedup: {key: prompt}
        output: {path: %s, format: jsonl, shards: 3, shuffle: %s}
        seed: %d
        """.formatted(data, partitionSize, dir.resolve(name), shuffle, seed), dir);
    return Runner.local().run(Pipeline.compile(spec),
        new Runner.Options(workers, false, Runner.Progress.NONE).withSortMemory(sortMemory));
  }

  private static Map<String, String> shards(Path run) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(run.resolve("data"))) {
      for (Path f : s.toList()) {
        files.put(f.getFileName().toString(), FileDigests.sha256(f));
      }
    }
    return files;
  }

  private static List<String> uuids(Path run) {
    List<String> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(run.resolve("data").toString(),
        List.of()), Formats.nemotron(), RejectHandler.FAIL)) {
      r.forEachRemaining((Sample s) -> out.add(s.uuid()));
    }
    return out;
  }

  @Test
  void shardsAreTheSameForAnyPartitionSizeWorkersAndMemory() throws IOException {
    Runner.Result whole = run("whole", Inputs.MAX_PARTITION_BYTES, 1, true, 5);
    assertThat(whole.conserved()).isTrue();
    Map<String, String> expected = shards(dir.resolve("whole"));
    assertThat(expected).hasSize(3);
    for (int workers : new int[] {1, 3}) {
      for (long size : new long[] {Inputs.MIN_PARTITION_BYTES, 3000}) {
        String name = "p" + size + "-w" + workers;
        // A budget of a few rows: every partition spills several sorted runs.
        run(name, size, workers, true, 5, workers * 2048L);
        assertThat(shards(dir.resolve(name))).as(name).isEqualTo(expected);
        assertThat(Files.readString(dir.resolve(name).resolve("run.log")))
            .containsPattern("2 input files, \\d\\d+ partitions");
      }
    }
    assertThat(Files.readString(dir.resolve("whole/shuffle.json")))
        .contains("\"seed\":5", "\"rows\":" + whole.written());

    // A permutation of the rows the unshuffled run writes, and another one for another seed.
    run("plain", Inputs.MAX_PARTITION_BYTES, 2, false, 5);
    run("other-seed", Inputs.MAX_PARTITION_BYTES, 2, true, 6);
    List<String> plain = uuids(dir.resolve("plain"));
    List<String> shuffled = uuids(dir.resolve("whole"));
    assertThat(shuffled).containsExactlyInAnyOrderElementsOf(plain).isNotEqualTo(plain)
        .isNotEqualTo(uuids(dir.resolve("other-seed")));
    // Rows are spread across the shards, not only within them: the first shard holds rows of
    // both input files.
    List<String> first = uuids(dir.resolve("whole")).subList(0, shuffled.size() / 3);
    assertThat(first).anyMatch(u -> u.startsWith("p")).anyMatch(u -> u.startsWith("j"));
  }

  @Test
  void resumeOfAShuffledRunKeepsTheBytes() throws IOException {
    run("once", 3000, 2, true, 9);
    Map<String, String> expected = shards(dir.resolve("once"));
    // As a run stopped while it wrote its shards leaves it: the first shard whole, the others
    // not yet there, no stats.json; the resumed sink passes over the first shard's rows.
    run("again", 3000, 2, true, 9);
    Path again = dir.resolve("again");
    Files.delete(again.resolve("stats.json"));
    List<Path> shards;
    try (Stream<Path> s = Files.list(again.resolve("data"))) {
      shards = s.sorted().toList();
    }
    Files.delete(shards.get(1));
    Files.delete(shards.get(2));
    Files.createDirectories(again.resolve(".work"));
    PipelineSpec spec = PipelineSpec.parse("again.yaml", """
        input: {path: %s, format: nemotron, partition_size: %d}
        steps:
          - filter: {name: length, target: answer, min_words: 3}
          - exact_dedup: {key: prompt}
        output: {path: %s, format: jsonl, shards: 3, shuffle: true}
        seed: 9
        """.formatted(data, 3000, again), dir);
    assertThat(Files.exists(again.resolve(".work"))).isTrue();
    Runner.Result resumed = Runner.local().run(Pipeline.compile(spec),
        new Runner.Options(2, true, Runner.Progress.NONE));
    assertThat(resumed.conserved()).isTrue();
    assertThat(shards(again)).isEqualTo(expected);
  }

  @Test
  void theKeyIsCheckedWithItsLine() {
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input: {path: in/}
        output:
          path: out/
          shuffle: sometimes
        """, dir)).isInstanceOf(RefineryException.class)
        .hasMessage("p.yaml:4 output.shuffle: expected true or false, got 'sometimes'");
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input: {path: in/}
        output:
          path: out/
          shufle: true
        """, dir)).isInstanceOf(RefineryException.class)
        .hasMessage("p.yaml:4 output.shufle: unknown key 'shufle'; valid: format, path, "
            + "shards, shuffle");
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input: {path: in/}
        steps:
          - tokenize: {tokenizer: t.json, max_length: 8}
        output: {path: out/,
                 shuffle: true}
        """, dir)).isInstanceOf(RefineryException.class)
        .hasMessageStartingWith("p.yaml:5 output.shuffle: a pipeline that ends with tokenize");
    PipelineSpec plain = PipelineSpec.parse("p.yaml", "input: {path: in/}\noutput: {path: o/}\n",
        dir);
    assertThat(plain.output().shuffle()).isFalse();
    assertThat(plain.asMap().toString()).doesNotContain("shuffle");
    PipelineSpec shuffled = PipelineSpec.parse("p.yaml",
        "input: {path: in/}\noutput: {path: o/, shuffle: true}\n", dir);
    assertThat(shuffled.output().shuffle()).isTrue();
    assertThat(shuffled.asMap().toString()).contains("shuffle=true");
  }
}
