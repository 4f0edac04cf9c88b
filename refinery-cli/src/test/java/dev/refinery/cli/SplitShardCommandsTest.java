package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.mix.SplitKey;
import dev.refinery.mix.StableSplit;
import dev.refinery.pipeline.PipelineSpec;
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
 * {@code split} and {@code shard} as canned pipelines, and the {@code split} step of a YAML
 * pipeline, as a user runs them.
 */
class SplitShardCommandsTest {
  @TempDir
  static Path dir;
  private static Path demo;

  @BeforeAll
  static void demoData() {
    demo = dir.resolve("demo");
    SampleData.write(demo, SampleData.Spec.of(150, 21).withFileKind(FileKind.JSONL));
  }

  private static List<Sample> rows(Path path, String... splits) {
    List<Sample> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(path.toString(), List.of(splits)),
        Formats.nemotron(), RejectHandler.FAIL)) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  /**
   * Every file of the output folder but the lock, log and manifest, by name: its SHA-256
   * (stats.json's without the steps' seconds).
   */
  private static Map<String, String> hashes(Path out) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        String name = out.relativize(f).toString();
        if (!name.equals(".refinery.lock") && !name.equals("run.log")
            && !name.equals("manifest.json")) {
          m.put(name, name.equals("stats.json") ? FileDigests.sha256OfText(
              Files.readString(f).replaceAll("\"seconds\":[0-9.eE-]+", ""))
              : FileDigests.sha256(f));
        }
      }
    }
    return m;
  }

  private static String[] commands(String split, String shard, String strided) {
    return new String[] {
        "split " + demo + " " + split + " --fractions train=0.7,validation=0.1,test=0.2",
        "shard " + demo + " " + shard + " --world-size 4 --by tokens --tokenizer "
            + TestData.file("tokenizers/mistral_v1") + " --output-format jsonl",
        "shard " + demo + " " + strided + " --world-size 6 --strided"};
  }

  /** One worker and whole files, or three workers and partitions of 2 KiB: the same bytes. */
  @Test
  void theBytesAreTheSameForAnyWorkersAndPartitions() throws IOException {
    List<Map<String, String>> runs = new ArrayList<>();
    for (int workers : new int[] {1, 3}) {
      String old = System.getProperty(PipelineSpec.PARTITION_SIZE_PROPERTY);
      if (workers == 3) {
        System.setProperty(PipelineSpec.PARTITION_SIZE_PROPERTY, "2048");
      }
      try {
        Map<String, String> all = new TreeMap<>();
        String[] names = {"split", "shard", "strided"};
        Path base = dir.resolve("w" + workers);
        String[] cmds = commands(base.resolve(names[0]).toString(),
            base.resolve(names[1]).toString(), base.resolve(names[2]).toString());
        for (int c = 0; c < cmds.length; c++) {
          List<String> args = new ArrayList<>(List.of(cmds[c].split(" ")));
          args.addAll(List.of("--workers", String.valueOf(workers)));
          Cli r = Cli.run(args.toArray(String[]::new));
          assertThat(r.status()).as(r.err()).isZero();
          String prefix = names[c] + "/";
          hashes(base.resolve(names[c])).forEach((k, v) -> all.put(prefix + k, v));
        }
        if (workers == 3) {
          assertThat(Files.readString(base.resolve("split/run.log")))
              .contains("partitions, 3 workers");
        }
        runs.add(all);
      } finally {
        if (old == null) {
          System.clearProperty(PipelineSpec.PARTITION_SIZE_PROPERTY);
        } else {
          System.setProperty(PipelineSpec.PARTITION_SIZE_PROPERTY, old);
        }
      }
    }
    assertThat(runs.get(0)).containsKeys("split/train.parquet", "split/stats.json",
        "shard/rank-00003-of-00004.jsonl", "strided/rank-00005-of-00006.parquet");
    assertThat(runs.get(1)).isEqualTo(runs.get(0));
  }

  @Test
  @SuppressWarnings("unchecked")
  void splitWritesAFilePerSplitIntoItsRunFolderAndResumeOnAFinishedRunRedoesNothing()
      throws IOException {
    Path out = dir.resolve("splits");
    Cli r = Cli.run("split", demo.toString(), out.toString(), "--fractions",
        "train=0.7,validation=0.1,test=0.2", "--key", "uuid", "--salt", "s");
    assertThat(r.status()).as(r.err()).isZero();
    StableSplit split = StableSplit.of(StableSplit.parseFractions(
        "train=0.7,validation=0.1,test=0.2"), "s");
    SplitKey key = SplitKey.parse("uuid");
    Map<String, List<String>> expected = new TreeMap<>();
    for (Sample s : rows(demo)) {
      expected.computeIfAbsent(split.names().get(split.splitOf(key.of(s))), k -> new ArrayList<>())
          .add(s.uuid());
    }
    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(out.resolve("stats.json")));
    Map<String, Object> counted = (Map<String, Object>) ((List<Map<String, Object>>)
        stats.get("steps")).get(0).get("counted");
    for (String name : split.names()) {
      List<String> got = rows(out.resolve(name + ".parquet")).stream().map(Sample::uuid).toList();
      assertThat(got).as(name).isEqualTo(expected.get(name));
      assertThat(((Number) counted.get(name)).longValue()).isEqualTo(got.size());
    }
    assertThat(r.out()).startsWith("read 150, written 150, rejected 0 (0 without a uuid key): "
        + "train " + expected.get("train").size());
    assertThat(stats).containsEntry("conserved", true);
    // The folder reads as a dataset of the three files (stats.json and manifest.json are the
    // run's, not rows).
    assertThat(rows(out)).hasSize(150);

    Map<String, String> before = hashes(out);
    Cli again = Cli.run("split", demo.toString(), out.toString(), "--fractions",
        "train=0.7,validation=0.1,test=0.2", "--key", "uuid", "--salt", "s", "--resume");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).isEqualTo(r.out());
    assertThat(hashes(out)).isEqualTo(before);
    assertThat(Files.readString(out.resolve("run.log")).lines()).hasSize(3);

    Cli other = Cli.run("split", demo.toString(), out.toString(), "--fractions",
        "train=0.5,test=0.5", "--resume");
    assertThat(other.status()).isEqualTo(1);
    assertThat(other.err()).contains("--resume with a different pipeline or input");
  }

  @Test
  void shardOnAFinishedRunSaysSoAndAWorldAboveTheRowsWritesNothing() throws IOException {
    Path out = dir.resolve("shards");
    Cli r = Cli.run("shard", demo.toString(), out.toString(), "--world-size", "7");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("read 150, written 150, rejected 0 into 7 shards (contiguous):"
        + " rows per shard 21..22");
    Map<String, String> before = hashes(out);
    Cli again = Cli.run("shard", demo.toString(), out.toString(), "--world-size", "7",
        "--resume");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).contains("a finished run of this command; nothing to do");
    assertThat(hashes(out)).isEqualTo(before);

    Cli big = Cli.run("shard", demo.toString(), dir.resolve("none").toString(), "--world-size",
        "151");
    assertThat(big.err()).contains("--world-size 151 is larger than the 150 rows");
    assertThat(dir.resolve("none")).doesNotExist();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aSplitStepWritesShardsPerSplitThatStatsAndShowSee() throws IOException {
    Path yaml = dir.resolve("split.yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - filter: {name: structure}
          - split: {fractions: {train: 0.8, test: 0.2}, key: prompt, salt: v1}
        output: {path: %s, shards: 2}
        """.formatted(demo, dir.resolve("run")));
    Cli r = Cli.run("run", yaml.toString());
    assertThat(r.status()).as(r.err()).isZero();
    Path data = dir.resolve("run/data");
    try (Stream<Path> files = Files.list(data)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
          "test-00000-of-00002.parquet", "test-00001-of-00002.parquet",
          "train-00000-of-00002.parquet", "train-00001-of-00002.parquet");
    }
    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(dir.resolve("run/stats.json")));
    Map<String, Object> step = ((List<Map<String, Object>>) stats.get("steps")).get(1);
    assertThat(step).containsEntry("name", "split");
    Map<String, Object> counted = (Map<String, Object>) step.get("counted");
    List<Sample> train = rows(dir.resolve("run"), "train");
    List<Sample> test = rows(dir.resolve("run"), "test");
    assertThat(counted).containsEntry("train", (long) train.size())
        .containsEntry("test", (long) test.size());
    assertThat(((Number) stats.get("written")).longValue()).isEqualTo(train.size() + test.size());
    // The route rode on the rows through the stage files and was not written.
    assertThat(train).allMatch(s -> s.extra().isEmpty());
    StableSplit split = StableSplit.of(StableSplit.parseFractions("train=0.8,test=0.2"), "v1");
    SplitKey key = SplitKey.parse("prompt");
    assertThat(test).isNotEmpty().allMatch(s -> split.splitOf(key.of(s)) == 1);
    assertThat(train).isNotEmpty().allMatch(s -> split.splitOf(key.of(s)) == 0);

    Cli stat = Cli.run("stats", dir.resolve("run").toString(), "--split", "test");
    assertThat(stat.status()).as(stat.err()).isZero();
    assertThat(stat.out()).contains("test");
    Cli show = Cli.run("show", dir.resolve("run").toString(), "--split", "test", "--n", "1");
    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out()).contains(test.get(0).uuid());
  }

  @Test
  void theSplitStepsParametersAreDeclaredAndChecked() throws IOException {
    Cli steps = Cli.run("steps");
    assertThat(steps.out()).contains("split", "fractions", "salt");
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - split: {fractions: {train: 0.8, test: 1.2}}
        output: {path: %s}
        """.formatted(demo, dir.resolve("bad")));
    Cli bad = Cli.run("run", yaml.toString());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err().strip()).startsWith("error: " + yaml + ":3")
        .contains("fractions.test").doesNotContain("\n");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - split: {fractions: {train: 0.5, test: 0.4}}
        output: {path: %s}
        """.formatted(demo, dir.resolve("bad")));
    Cli sum = Cli.run("run", yaml.toString());
    assertThat(sum.err()).contains(yaml + ":3").contains("sum to 0.9");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - split: {fractions: {train: 1}}
          - filter: {name: structure}
        output: {path: %s}
        """.formatted(demo, dir.resolve("bad")));
    Cli notLast = Cli.run("run", yaml.toString());
    assertThat(notLast.err()).contains(yaml + ":3").contains("split must be the last step");
    assertThat(dir.resolve("bad")).doesNotExist();
  }
}
