package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** blend, shard and split as a user runs them, on demo data. */
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
    assertThat(Files.readString(mix.resolve("manifest.json")))
        .contains("\"realized_samples\":600", "\"epochs\":");
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
    assertThat(Files.readString(drawn.resolve("manifest.json")))
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
