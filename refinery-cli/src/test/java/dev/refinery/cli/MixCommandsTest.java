package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
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

/** blend, interleave, shard and split as a user runs them, on demo data. */
class MixCommandsTest {
  @TempDir
  static Path dir;
  private static Path demo;

  @BeforeAll
  static void demoData() {
    demo = dir.resolve("demo");
    SampleData.write(demo, SampleData.Spec.of(4000, 9));
  }

  private static List<String> uuids(Path path, String... splits) {
    List<String> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(path.toString(), List.of(splits)),
        Formats.nemotron(), RejectHandler.FAIL)) {
      r.forEachRemaining((Sample s) -> out.add(s.uuid()));
    }
    return out;
  }

  @Test
  void blendThenShardByTokensThenSplit() throws IOException {
    Path mix = dir.resolve("mix");
    Cli b = Cli.run("blend", "--source", "math=" + demo + ":math", "--source",
        "code=" + demo + ":code", "--weights", "math=2,code=1", "--total-samples", "900",
        "--seed", "5", "--shards", "3", mix.toString());
    assertThat(b.status()).as(b.err()).isZero();
    assertThat(b.out()).contains("math", "600", "code", "300", "written 900 samples");
    assertThat(Files.readString(mix.resolve("blend_manifest.json")))
        .contains("\"realized_samples\":600", "\"epochs\":");
    assertThat(Files.readString(mix.resolve("stats.json"))).contains("\"conserved\":true");
    assertThat(uuids(mix.resolve("data"))).hasSize(900);

    String tokenizer = TestData.file("tokenizers/qwen3/tokenizer.json").toString();
    Path shards = dir.resolve("shards");
    Cli s = Cli.run("shard", mix.resolve("data").toString(), shards.toString(), "--world-size",
        "4", "--by", "tokens", "--tokenizer", tokenizer, "--template", "qwen3");
    assertThat(s.status()).as(s.err()).isZero();
    assertThat(s.out()).contains("written 900", "4 shards", "tokens per shard");
    List<String> union = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      union.addAll(uuids(shards.resolve(String.format("rank-%05d-of-00004.parquet", r))));
    }
    assertThat(union).isEqualTo(uuids(mix.resolve("data")));

    Path splits = dir.resolve("splits");
    Cli p = Cli.run("split", mix.resolve("data").toString(), splits.toString(), "--fractions",
        "train=0.8,test=0.2", "--output-format", "jsonl");
    assertThat(p.status()).as(p.err()).isZero();
    assertThat(uuids(splits.resolve("train.jsonl")).size()
        + uuids(splits.resolve("test.jsonl")).size()).isEqualTo(900);
  }

  @Test
  void interleaveTakesTurnsOrDrawsAndStopsAsAsked() throws IOException {
    Path turns = dir.resolve("turns");
    Cli t = Cli.run("interleave", "--source", "math=" + demo + ":math", "--source",
        "code=" + demo + ":code", "--output-format", "jsonl", turns.toString());
    assertThat(t.status()).as(t.err()).isZero();
    List<String> math = uuids(demo.resolve("data"), "math");
    List<String> code = uuids(demo.resolve("data"), "code");
    List<String> mixed = uuids(turns.resolve("data"));
    int n = Math.min(math.size(), code.size());
    assertThat(mixed).hasSize(2 * n);
    for (int i = 0; i < n; i++) {
      assertThat(mixed.get(2 * i)).isEqualTo(math.get(i));
      assertThat(mixed.get(2 * i + 1)).isEqualTo(code.get(i));
    }
    Path drawn = dir.resolve("drawn");
    Cli d = Cli.run("interleave", "--source", "math=" + demo + ":math", "--source",
        "code=" + demo + ":code", "--probabilities", "math=0.8,code=0.2", "--stopping",
        "all_exhausted", "--seed", "3", drawn.toString());
    assertThat(d.status()).as(d.err()).isZero();
    assertThat(Files.readString(drawn.resolve("interleave_manifest.json")))
        .contains("\"stopping_strategy\":\"all_exhausted\"", "\"exhausted\":true");
    assertThat(uuids(drawn.resolve("data"))).containsAll(math).containsAll(code);
  }

  @Test
  void shuffleIsAPermutationAndTheSameForASeedWhateverTheMemory() throws IOException {
    Path a = dir.resolve("a.parquet");
    Path b = dir.resolve("b.parquet");
    Path c = dir.resolve("c.parquet");
    assertThat(Cli.run("shuffle", demo.toString(), a.toString(), "--seed", "9").status())
        .isZero();
    Cli small = Cli.run("shuffle", demo.toString(), b.toString(), "--seed", "9",
        "--memory-mb", "1");
    assertThat(small.out()).contains("read 4000, written 4000, rejected 0").doesNotContain(
        " 0 runs spilled");
    assertThat(Cli.run("shuffle", demo.toString(), c.toString(), "--seed", "10").status())
        .isZero();
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    List<String> original = uuids(demo);
    assertThat(uuids(a)).containsExactlyInAnyOrderElementsOf(original).isNotEqualTo(original)
        .isNotEqualTo(uuids(c));
  }

  /** The files of a folder output by name (run.log, whose lines hold times, aside). */
  private static Map<String, byte[]> files(Path out, String... names) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(out.resolve("data"))) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        m.put(out.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    for (String name : names) {
      m.put(name, Files.readAllBytes(out.resolve(name)));
    }
    return m;
  }

  private static void assertSameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
    assertThat(b.keySet()).isEqualTo(a.keySet());
    a.forEach((name, bytes) -> assertThat(b.get(name)).as(name).isEqualTo(bytes));
  }

  /**
   * The same bytes with one worker and whole files as with three workers and partitions of
   * 2 KiB (JSON Lines sources, cut by byte ranges): the shuffle, the blend's draws and the
   * interleave's picks depend on row ids and the seed only.
   */
  @Test
  void blendAndInterleaveAreTheSameForAnyWorkersAndPartitions() throws IOException {
    Path jsonl = dir.resolve("jsonl-demo");
    SampleData.write(jsonl, SampleData.Spec.of(1500, 4).withFileKind(FileKind.JSONL)
        .withShardRows(200));
    String[] blend = {"blend", "--source", "math=" + jsonl + ":math", "--source",
        "mixed=" + jsonl + ":code,poetry", "--weights", "math=3,mixed=2", "--total-samples",
        "1700", "--seed", "11", "--shards", "3"};
    String[] interleave = {"interleave", "--source", "math=" + jsonl + ":math", "--source",
        "code=" + jsonl + ":code", "--source", "chat=" + jsonl + ":chat", "--probabilities",
        "math=0.5,code=0.3,chat=0.2", "--stopping", "all_exhausted", "--seed", "3", "--shards",
        "2", "--output-format", "jsonl"};
    List<String> names = List.of("blend-1", "interleave-1", "blend-3", "interleave-3");
    for (int i = 0; i < names.size(); i++) {
      boolean small = i >= 2;
      String[] base = i % 2 == 0 ? blend : interleave;
      List<String> args = new ArrayList<>(List.of(base));
      args.addAll(List.of("--workers", small ? "3" : "1", dir.resolve(names.get(i)).toString()));
      if (small) {
        System.setProperty(PipelineSpec.PARTITION_SIZE_PROPERTY, "2048");
      }
      try {
        Cli r = Cli.run(args.toArray(String[]::new));
        assertThat(r.status()).as(r.err()).isZero();
      } finally {
        System.clearProperty(PipelineSpec.PARTITION_SIZE_PROPERTY);
      }
    }
    assertThat(Files.readString(dir.resolve("blend-3/run.log"))).contains(" partitions, ");
    assertSameFiles(files(dir.resolve("blend-1"), "blend_manifest.json"),
        files(dir.resolve("blend-3"), "blend_manifest.json"));
    assertSameFiles(files(dir.resolve("interleave-1"), "interleave_manifest.json"),
        files(dir.resolve("interleave-3"), "interleave_manifest.json"));
    // No poetry split: the names after the colon are categories of the folder's rows, the
    // others dropped.
    Map<String, Long> categories = new TreeMap<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(dir.resolve("blend-1/data")
        .toString()), Formats.nemotron(), RejectHandler.FAIL)) {
      r.forEachRemaining(s -> categories.merge(s.category(), 1L, Long::sum));
    }
    assertThat(categories).containsExactlyInAnyOrderEntriesOf(Map.of("math", 1020L,
        "code", 680L));
    assertThat(Files.readString(dir.resolve("blend-1/stats.json")))
        .contains("\"other_category\"", "\"conserved\":true");
  }

  @Test
  void resumeOnAFinishedMixRedoesNothing() throws IOException {
    Path out = dir.resolve("resumed");
    String[] args = {"interleave", "--source", "math=" + demo + ":math", "--source",
        "code=" + demo + ":code", out.toString()};
    Cli first = Cli.run(args);
    assertThat(first.status()).as(first.err()).isZero();
    Map<String, byte[]> before = files(out, "interleave_manifest.json", "stats.json",
        "run.log");
    List<String> again = new ArrayList<>(List.of(args));
    again.add("--resume");
    Cli second = Cli.run(again.toArray(String[]::new));
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertSameFiles(before, files(out, "interleave_manifest.json", "stats.json", "run.log"));
    Cli fresh = Cli.run(args);
    assertThat(fresh.status()).isNotZero();
    assertThat(fresh.err()).contains("a finished run is here");
  }

  @Test
  void badInputFailsInOneLineBeforeWork() {
    Cli noTotal = Cli.run("blend", "--source", "a=" + demo, "--weights", "a=1", "--seed", "1",
        dir.resolve("x").toString());
    assertThat(noTotal.status()).isNotZero();
    assertThat(noTotal.err()).contains("exactly one of --total-samples and --total-tokens");
    Cli empty = Cli.run("blend", "--source", "a=" + demo + ":poetry", "--weights", "a=1",
        "--total-samples", "5", "--seed", "1", dir.resolve("y").toString());
    assertThat(empty.err().strip()).startsWith("error: source 'a'").contains("has no rows")
        .doesNotContain("\n");
    Cli world = Cli.run("shard", demo.toString(), dir.resolve("z").toString(), "--world-size",
        "5000");
    assertThat(world.err()).contains("--world-size 5000 is larger than the 4000 rows");
    assertThat(dir.resolve("z")).doesNotExist();
    Cli tokens = Cli.run("shard", demo.toString(), dir.resolve("t").toString(), "--world-size",
        "2", "--by", "tokens");
    assertThat(tokens.err()).contains("--by tokens needs --tokenizer");
    Cli fractions = Cli.run("split", demo.toString(), dir.resolve("f").toString(),
        "--fractions", "train=0.5,test=0.4");
    assertThat(fractions.err()).contains("sum to 0.9");
  }
}
