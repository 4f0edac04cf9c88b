package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.mix.ShardAssigner.By;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class SharderTest {
  private static Path dir;
  private static List<InputFile> input;
  private static List<String> uuids;
  private static final ToIntFunction<Sample> CHARS = s -> s.messages().stream()
      .mapToInt(m -> m.content() == null ? 0 : m.content().length()).sum();

  @BeforeContainer
  static void demoData() throws IOException {
    dir = Files.createTempDirectory("sharder-test");
    SampleData.write(dir.resolve("in"), SampleData.Spec.of(300, 3).withFileKind(FileKind.JSONL));
    input = Inputs.resolve(dir.resolve("in").toString());
    uuids = read(input);
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static List<String> read(List<InputFile> files) {
    List<String> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(files, Formats.nemotron(), RejectHandler.IGNORE)) {
      r.forEachRemaining(s -> out.add(s.uuid()));
    }
    return out;
  }

  @Property(tries = 16)
  void shardsPartitionTheInputForAnyWorldSize(@ForAll @IntRange(min = 1, max = 40) int world,
      @ForAll boolean strided, @ForAll boolean byTokens, @ForAll boolean parquet)
      throws IOException {
    Path out = Files.createTempDirectory(dir, "out");
    Sharder.Result result = Sharder.shard(input, Formats.nemotron(), out, world,
        byTokens ? By.TOKENS : By.ROWS, strided, parquet ? "parquet" : "jsonl", CHARS,
        RejectHandler.FAIL);
    assertThat(result.files()).hasSize(world);
    List<String> union = new ArrayList<>();
    List<List<String>> perRank = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      Path f = out.resolve(Sharder.name(r, world, parquet ? "parquet" : "jsonl"));
      assertThat(f).exists();
      List<String> rows = read(Inputs.resolve(f.toString()));
      assertThat((long) rows.size()).isEqualTo(result.rows()[r]);
      perRank.add(rows);
      union.addAll(rows);
    }
    assertThat(union).containsExactlyInAnyOrderElementsOf(uuids);
    if (!strided) {
      assertThat(union).isEqualTo(uuids); // contiguous: ranks in order are the input in order
    } else if (!byTokens) {
      for (int r = 0; r < world; r++) {
        List<String> expected = new ArrayList<>();
        for (int i = r; i < uuids.size(); i += world) {
          expected.add(uuids.get(i));
        }
        assertThat(perRank.get(r)).isEqualTo(expected);
      }
    }
    try (var left = Files.list(out)) {
      assertThat(left).hasSize(world); // no staging folder or temp file left behind
    }
  }

  @Property(tries = 1)
  void aWorldLargerThanTheInputFailsBeforeWritingAnything() throws IOException {
    Path out = dir.resolve("too-many");
    assertThatThrownBy(() -> Sharder.shard(input, Formats.nemotron(), out, 301, By.ROWS, false,
        "jsonl", null, RejectHandler.FAIL)).hasMessageContaining("--world-size 301 is larger "
            + "than the 300 rows");
    assertThat(out).doesNotExist();
    assertThatThrownBy(() -> Sharder.shard(input, Formats.nemotron(), out, 2, By.TOKENS, false,
        "jsonl", null, RejectHandler.FAIL)).hasMessageContaining("needs a tokenizer");
  }
}
