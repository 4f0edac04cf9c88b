package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class DistributedDataTest {
  private static Path dir;
  private static Path parquet;
  private static Path jsonl;
  private static List<String> all;

  @BeforeContainer
  static void data() throws IOException {
    dir = Files.createTempDirectory("distributed-data");
    parquet = dir.resolve("pq");
    SampleData.write(parquet, SampleData.Spec.of(500, 2));
    jsonl = dir.resolve("js");
    SampleData.write(jsonl, SampleData.Spec.of(500, 2).withFileKind(FileKind.JSONL));
    all = uuids(SampleReader.open(Inputs.resolve(parquet.toString()), Formats.nemotron(),
        RejectHandler.FAIL));
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static List<String> uuids(java.util.Iterator<Sample> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(s -> out.add(s.uuid()));
    if (it instanceof java.io.Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return out;
  }

  @Property(tries = 40)
  void ranksPartitionTheRowsInBothLayouts(@ForAll @IntRange(min = 1, max = 64) int world,
      @ForAll boolean contiguous, @ForAll boolean useJsonl) {
    String path = (useJsonl ? jsonl : parquet).toString();
    List<String> union = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      DistributedData d = contiguous ? DistributedData.open(path).contiguousShard(r, world)
          : DistributedData.setup(path, r, world);
      List<String> mine = uuids(d.samples());
      if (!contiguous) {
        List<String> expected = new ArrayList<>();
        for (int i = r; i < all.size(); i += world) {
          expected.add(all.get(i));
        }
        assertThat(mine).isEqualTo(expected);
      } else {
        int size = all.size() / world + (r < all.size() % world ? 1 : 0);
        assertThat(mine).hasSize(size);
      }
      union.addAll(mine);
    }
    if (contiguous) {
      assertThat(union).isEqualTo(all);
    } else {
      assertThat(union).containsExactlyInAnyOrderElementsOf(all);
    }
  }

  @Property(tries = 40)
  void skipAndTakeSliceTheRanksRows(@ForAll @IntRange(min = 1, max = 8) int world,
      @ForAll @IntRange(min = 0, max = 200) int skip, @ForAll @IntRange(min = 0, max = 200)
      int take, @ForAll boolean contiguous) {
    DistributedData base = contiguous
        ? DistributedData.open(parquet.toString()).contiguousShard(world - 1, world)
        : DistributedData.setup(parquet.toString(), world - 1, world);
    List<String> mine = uuids(base.samples());
    List<String> expected = mine.subList(Math.min(skip, mine.size()),
        Math.min(mine.size(), skip + take));
    assertThat(uuids(base.skip(skip).take(take).samples())).isEqualTo(expected);
    // take then skip: rows [skip, take)
    List<String> takeFirst = mine.subList(Math.min(skip, Math.min(take, mine.size())),
        Math.min(take, mine.size()));
    assertThat(uuids(base.take(take).skip(skip).samples())).isEqualTo(takeFirst);
  }

  @Property(tries = 10)
  void batchesCoverTheShardInOrder(@ForAll @IntRange(min = 1, max = 50) int size,
      @ForAll boolean dropLast) {
    DistributedData d = DistributedData.setup(parquet.toString(), 1, 3).splits("stem", "math");
    List<String> mine = uuids(d.samples());
    List<String> batched = new ArrayList<>();
    try (DistributedData.Batches b = d.batches(size, dropLast)) {
      while (b.hasNext()) {
        List<Sample> batch = b.next();
        assertThat(batch.size()).isLessThanOrEqualTo(size);
        if (dropLast) {
          assertThat(batch).hasSize(size);
        }
        batch.forEach(s -> batched.add(s.uuid()));
      }
    }
    int expected = dropLast ? mine.size() / size * size : mine.size();
    assertThat(batched).isEqualTo(mine.subList(0, expected));
  }

  @Property(tries = 1)
  void aBadRecordOfAnotherRankIsNotEvenDecoded() throws IOException {
    Path file = dir.resolve("one-bad.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(Inputs.resolve(jsonl.toString())
        .get(0).path()).subList(0, 10));
    lines.set(3, "{\"messages\": not json");
    Files.write(file, lines);
    // rank 1 of 2 owns lines 1, 3, 5, ...: line index 3 is its second row
    assertThatThrownBy(() -> uuids(DistributedData.setup(file.toString(), 1, 2).samples()))
        .hasMessageContaining("one-bad.jsonl");
    assertThat(uuids(DistributedData.setup(file.toString(), 0, 2).samples())).hasSize(5);
    assertThatThrownBy(() -> DistributedData.open(file.toString()).shard(2, 2))
        .hasMessageContaining("rank 2 is not in [0, 2)");
  }
}
