package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code refinery shuffle} as a canned pipeline: workers, partitions, resume and rejects. */
class ShuffleCommandTest {
  @TempDir
  static Path shared;
  private static Path demo;

  @TempDir
  Path dir;

  @BeforeAll
  static void demoData() {
    demo = shared.resolve("demo");
    SampleData.write(demo, SampleData.Spec.of(150, 3).withFileKind(FileKind.JSONL));
  }

  private static List<String> uuids(Path path) {
    List<String> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(path.toString(), List.of()),
        Formats.nemotron(), RejectHandler.FAIL)) {
      r.forEachRemaining((Sample s) -> out.add(s.uuid()));
    }
    return out;
  }

  @Test
  void theSameBytesForAnyWorkersPartitionSizeAndMemory() throws Exception {
    List<byte[]> outputs = new ArrayList<>();
    // (workers, partition size or null for the default, --memory-mb)
    String[][] runs = {{"1", null, "64"}, {"3", "2048", "1"}, {"1", "2048", "64"}, {"3", null, "1"}};
    for (String[] run : runs) {
      Path out = dir.resolve("w" + run[0] + "-" + run[1] + "-" + run[2] + ".jsonl.gz");
      if (run[1] != null) {
        System.setProperty(PipelineSpec.PARTITION_SIZE_PROPERTY, run[1]);
      }
      Cli r;
      try {
        r = Cli.run("shuffle", demo.toString(), out.toString(), "--seed", "4", "--workers",
            run[0], "--memory-mb", run[2]);
      } finally {
        System.clearProperty(PipelineSpec.PARTITION_SIZE_PROPERTY);
      }
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(r.out()).startsWith("read 150, written 150, rejected 0 (seed 4; ")
          .containsPattern("; \\d+ runs spilled; output ");
      outputs.add(Files.readAllBytes(out));
    }
    for (int i = 1; i < outputs.size(); i++) {
      assertThat(outputs.get(i)).as("run " + i).isEqualTo(outputs.get(0));
    }
    List<String> original = uuids(demo);
    assertThat(uuids(dir.resolve("w1-null-64.jsonl.gz")))
        .containsExactlyInAnyOrderElementsOf(original).isNotEqualTo(original);
  }

  @Test
  void resumeOnAFinishedOutputRedoesNothing() throws Exception {
    Path out = dir.resolve("s.parquet");
    Cli first = Cli.run("shuffle", demo.toString(), out.toString(), "--seed", "1");
    assertThat(first.status()).as(first.err()).isZero();
    byte[] bytes = Files.readAllBytes(out);
    FileTime written = Files.getLastModifiedTime(out);
    Cli again = Cli.run("shuffle", demo.toString(), out.toString(), "--seed", "1", "--resume");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.err()).contains("nothing to do: ").contains(".s.parquet.refinery");
    assertThat(again.out()).isEqualTo(first.out());
    assertThat(Files.readAllBytes(out)).isEqualTo(bytes);
    assertThat(Files.getLastModifiedTime(out)).isEqualTo(written);
    Cli otherSeed = Cli.run("shuffle", demo.toString(), out.toString(), "--seed", "2",
        "--resume");
    assertThat(otherSeed.status()).isEqualTo(1);
    assertThat(otherSeed.err()).contains("--resume with a different pipeline or input");
  }

  @Test
  void aBadInputLineStopsTheRunWithoutRejectsAndIsSetAsideWithThem() throws Exception {
    Path in = dir.resolve("in.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add(Json.write(Map.of("uuid", "u" + i, "messages", List.of(
          Map.of("role", "user", "content", "q" + i),
          Map.of("role", "assistant", "content", "a" + i)))));
    }
    lines.add(7, "{\"uuid\": ");
    Files.write(in, lines);
    Path out = dir.resolve("out.jsonl");
    Cli stop = Cli.run("shuffle", in.toString(), out.toString(), "--seed", "3");
    assertThat(stop.status()).isEqualTo(1);
    assertThat(stop.err().strip()).startsWith("error: " + in + ":8").contains("--rejects FILE")
        .doesNotContain("\n");
    assertThat(out).doesNotExist();
    Path rejects = dir.resolve("bad.jsonl");
    Cli go = Cli.run("shuffle", in.toString(), out.toString(), "--seed", "3", "--rejects",
        rejects.toString());
    assertThat(go.status()).as(go.err()).isZero();
    assertThat(go.out()).startsWith("read 21, written 20, rejected 1 (seed 3;");
    assertThat(uuids(out)).hasSize(20);
    assertThat(Files.readAllLines(rejects)).singleElement().satisfies(line -> {
      assertThat(line).contains("\"line\":8");
      assertThat(line).contains("\"raw\":\"{\\\"uuid\\\": \"");
    });
  }
}
