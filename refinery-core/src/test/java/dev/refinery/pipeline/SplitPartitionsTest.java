package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import dev.refinery.io.Inputs;
import dev.refinery.io.TestParquet;
import dev.refinery.run.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's outputs and its rows' ids do not depend on how the input is cut into partitions (row
 * groups of a Parquet file, byte ranges of a JSONL file) nor on the number of workers.
 */
class SplitPartitionsTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() throws IOException {
    data = shared.resolve("in");
    Files.createDirectories(data);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      // Every 7th question repeats an earlier one; every 5th answer is too short to keep.
      int q = i % 7 == 6 ? i / 2 : i;
      rows.add(TestRows.qa("p" + i, "What is " + q + " plus " + q + "?",
          i % 5 == 0 ? "no" : "The sum of " + q + " and " + q + " is " + (2 * q) + " exactly."));
    }
    // A row whose messages are missing cannot be decoded: rejected, placed by row group and row.
    Map<String, Object> broken = new LinkedHashMap<>();
    broken.put("uuid", "broken");
    rows.add(301, broken);
    TestParquet.write(data.resolve("a.parquet"), rows, 20);
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      int q = i % 3 == 0 ? i : 1000 + i; // a third repeat questions of the Parquet file
      jsonl.append(Json.write(TestRows.qa("j" + i, "What is " + q + " plus " + q + "?",
          "The sum of " + q + " and " + q + " is " + (2 * q) + " exactly."))).append('\n');
      if (i % 50 == 17) {
        jsonl.append("not json ").append(i).append('\n');
      }
      if (i % 90 == 3) {
        jsonl.append('\n');
      }
    }
    Files.writeString(data.resolve("b.jsonl"), jsonl.toString());
  }

  private Runner.Result run(String name, long partitionSize, int workers) {
    PipelineSpec spec = PipelineSpec.parse(name + ".yaml", """
        input: {path: %s, format: nemotron, partition_size: %d}
        steps:
          - filter: {name: length, target: answer, min_words: 3}
          - exact_dedup: {key: prompt}
        output: {path: %s, format: parquet, shards: 3}
        keep_dropped: true
        seed: 1
        """.formatted(data, partitionSize, dir.resolve(name)), dir);
    return Runner.local().run(Pipeline.compile(spec),
        new Runner.Options(workers, false, Runner.Progress.NONE));
  }

  /** Every file of a run folder's data/ and rejects/ by name, and stats.json without timings. */
  private static Map<String, String> outputs(Path run) throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (String sub : List.of("data", "rejects")) {
      try (Stream<Path> s = Files.list(run.resolve(sub))) {
        for (Path f : s.toList()) {
          files.put(sub + "/" + f.getFileName(), dev.refinery.io.FileDigests.sha256(f));
        }
      }
    }
    files.put("stats.json", Files.readString(run.resolve("stats.json"))
        .replaceAll("\"seconds\":(\\{[^}]*}|[0-9.E-]+)", "\"seconds\":0"));
    return files;
  }

  @Test
  void outputsAreTheSameForAnyPartitionSizeAndWorkers() throws IOException {
    Runner.Result whole = run("whole", Inputs.MAX_PARTITION_BYTES, 1);
    assertThat(whole.conserved()).isTrue();
    assertThat(whole.rejected()).isEqualTo(9); // 8 bad lines and the broken Parquet row
    Map<String, String> expected = outputs(dir.resolve("whole"));
    assertThat(expected).containsKeys("rejects/input-00000.jsonl", "rejects/input-00001.jsonl",
        "rejects/dropped-s0-00000.jsonl",
        "rejects/dropped-s1-00000.jsonl", "rejects/dropped-s1-00001.jsonl");
    for (int workers : new int[] {1, 4}) {
      for (long size : new long[] {Inputs.MIN_PARTITION_BYTES, 5000, Inputs.MAX_PARTITION_BYTES}) {
        String name = "p" + size + "-w" + workers;
        run(name, size, workers);
        assertThat(outputs(dir.resolve(name))).as(name).isEqualTo(expected);
        if (size < Inputs.MAX_PARTITION_BYTES) {
          assertThat(Files.readString(dir.resolve(name).resolve("run.log")))
              .containsPattern("2 input files, \\d\\d+ partitions");
        }
      }
    }
    // A bad line of a later byte range still gets its line number in the whole file.
    String rejects = Files.readString(dir.resolve("whole/rejects/input-00001.jsonl"));
    assertThat(rejects).contains("\"line\":20,").contains("\"line\":381,")
        .doesNotContain("\"byte\"");
    assertThat(Files.readString(dir.resolve("whole/rejects/input-00000.jsonl")))
        .contains("\"row_group\":15,\"row\":1,");
  }

  @Test
  void resumingWithAnotherPartitionSizeIsRefused() throws IOException {
    // An unfinished run cut its input into other partitions (say, a different partition_size).
    Path work = dir.resolve("r/.work");
    Files.createDirectories(work);
    Files.writeString(work.resolve("partitions.txt"), data.resolve("a.parquet") + "\n");
    PipelineSpec spec = PipelineSpec.parse("r.yaml", """
        input: {path: %s, format: nemotron, partition_size: 1024}
        output: {path: %s}
        """.formatted(data, dir.resolve("r")), dir);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Runner.local().run(
            Pipeline.compile(spec), new Runner.Options(1, true, Runner.Progress.NONE)))
        .isInstanceOf(dev.refinery.RefineryException.class)
        .hasMessageContaining("--resume with another partition size than the unfinished run");
  }

  @Test
  void partitionSizeOutOfBoundsNamesTheYamlLine() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input:
          path: x
          partition_size: 10
        output: {path: y}
        """, dir))
        .isInstanceOf(dev.refinery.RefineryException.class)
        .hasMessageStartingWith("p.yaml:3")
        .hasMessageContaining("partition_size is the bytes of input one task reads, 1024 to");
  }

  @Test
  void rowIdsDoNotDependOnTheSplit() throws IOException {
    List<InputFile> files = Inputs.resolve(data.toString());
    Map<String, String> whole = ids(Inputs.splits(files, Inputs.MAX_PARTITION_BYTES));
    List<InputSplit> small = Inputs.splits(files, Inputs.MIN_PARTITION_BYTES);
    assertThat(small).hasSizeGreaterThan(10);
    assertThat(ids(small)).isEqualTo(whole).hasSize(1000);
    // A Parquet row's position is its index in the file; a JSON line's, its start's byte offset.
    assertThat(whole).containsEntry("0:0", "p0").containsEntry("0:302", "p301")
        .containsEntry("1:0", "j0");
    String first = Files.readString(data.resolve("b.jsonl")).lines().findFirst().orElseThrow();
    assertThat(whole).containsEntry("1:" + (first.length() + 1), "j1");
  }

  private static Map<String, String> ids(List<InputSplit> splits) {
    Map<String, String> ids = new LinkedHashMap<>();
    for (InputSplit split : splits) {
      try (SampleReader r = SampleReader.open(split, Formats.nemotron(), RejectHandler.IGNORE)) {
        r.forEachRemaining(s -> assertThat(ids.put(s.id().toString(), s.uuid())).isNull());
      }
    }
    return ids;
  }
}
