package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.SharedData;
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

  private static List<String> uuids(Path path) {
    List<String> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(path.toString()), Formats.nemotron(),
        RejectHandler.FAIL)) {
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

    String tokenizer = SharedData.file("tokenizers/qwen3/tokenizer.json").toString();
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
