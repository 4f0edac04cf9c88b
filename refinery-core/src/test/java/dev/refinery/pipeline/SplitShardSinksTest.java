package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.mix.ShardAssigner;
import dev.refinery.mix.ShardAssigner.By;
import dev.refinery.mix.SplitKey;
import dev.refinery.mix.StableSplit;
import dev.refinery.run.Runner;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.tokenize.TokenCounter;
import dev.refinery.tokenize.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sinks of {@code split} and {@code shard} through LocalRunner: every row read lands in
 * exactly one file (or is rejected with its reason), in output order, as the old engines
 * (Splitter, Sharder) promised; and their bytes do not depend on the partitions or workers.
 */
class SplitShardSinksTest {
  @TempDir
  static Path dir;
  private static Path input;
  private static List<String> uuids;
  private static TokenCounter counter;

  private static final StableSplit SPLIT = StableSplit.of(
      StableSplit.parseFractions("train=0.8,validation=0.1,test=0.1"), "");

  @BeforeAll
  static void demoData() {
    input = dir.resolve("in");
    SampleData.write(input, SampleData.Spec.of(300, 3).withFileKind(FileKind.JSONL));
    uuids = read(input);
    counter = new TokenCounter(Tokenizers.open(
        TestData.file("tokenizers/mistral_v1").toString()), null);
  }

  @AfterAll
  static void closeTokenizer() {
    counter.tokenizer().close();
  }

  private static List<String> read(Path path) {
    List<String> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(path.toString()), Formats.nemotron(),
        RejectHandler.FAIL)) {
      r.forEachRemaining(s -> out.add(s.uuid()));
    }
    return out;
  }

  private static Runner.Result run(Path in, List<Step> steps, Sink sink, int workers) {
    return Runner.local().run(Pipeline.canned(new PipelineSpec.Input(in, "auto", List.of(), null,
        "test"), steps, sink, 0, "test"), new Runner.Options(workers, false,
        Runner.Progress.NONE));
  }

  private static Runner.Result shard(Path out, int world, By by, boolean strided,
      String ext, int workers, AtomicReference<Sinks.ShardSizes> sizes) {
    return run(input, List.of(), Sinks.shard(out, world, by, strided, ext, Formats.nemotron(),
        by == By.TOKENS ? counter : null, "mistral_v1", null, sizes::set), workers);
  }

  @Test
  void shardsPartitionTheInputForEveryLayout() throws IOException {
    int k = 0;
    for (int world : new int[] {1, 7, 40}) {
      for (boolean strided : new boolean[] {false, true}) {
        for (By by : By.values()) {
          {
            // Both file kinds, each with every world size and layout half the time.
            String ext = k % 2 == world % 2 ? "parquet" : "jsonl";
            String what = world + " " + strided + " " + by + " " + ext;
            Path out = dir.resolve("shards-" + k++);
            AtomicReference<Sinks.ShardSizes> sizes = new AtomicReference<>();
            Runner.Result r = shard(out, world, by, strided, ext, 2, sizes);
            assertThat(r.conserved()).as(what).isTrue();
            assertThat(r.written()).as(what).isEqualTo(300);
            List<String> union = new ArrayList<>();
            List<List<String>> perRank = new ArrayList<>();
            for (int rank = 0; rank < world; rank++) {
              List<String> rows = read(out.resolve(ShardAssigner.fileName(rank, world, ext)));
              assertThat((long) rows.size()).as(what).isEqualTo(sizes.get().rows()[rank]);
              perRank.add(rows);
              union.addAll(rows);
            }
            assertThat(union).as(what).containsExactlyInAnyOrderElementsOf(uuids);
            if (!strided) {
              assertThat(union).as(what).isEqualTo(uuids);
            } else if (by == By.ROWS) {
              for (int rank = 0; rank < world; rank++) {
                List<String> expected = new ArrayList<>();
                for (int i = rank; i < uuids.size(); i += world) {
                  expected.add(uuids.get(i));
                }
                assertThat(perRank.get(rank)).as(what).isEqualTo(expected);
              }
            }
            try (Stream<Path> left = Files.list(out)) {
              // The rank files and the run's records; no staging folder or work left behind.
              assertThat(left.map(p -> p.getFileName().toString())
                  .filter(n -> !n.startsWith("rank-")).sorted().toList()).as(what)
                  .containsExactly("manifest.json", "rejects", "run.log", "stats.json");
            }
          }
        }
      }
    }
  }

  /** Tokens as Sharder balanced them: the assigner over the rows' counts in input order. */
  @Test
  void tokenBalancedShardsFollowTheDocumentedAssignment() {
    AtomicReference<Sinks.ShardSizes> sizes = new AtomicReference<>();
    shard(dir.resolve("by-tokens"), 5, By.TOKENS, false, "jsonl", 3, sizes);
    List<Integer> tokens = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(input.toString()),
        Formats.nemotron(), RejectHandler.FAIL)) {
      r.forEachRemaining(s -> tokens.add(counter.count(s)));
    }
    long total = tokens.stream().mapToLong(Integer::longValue).sum();
    ShardAssigner a = ShardAssigner.create(5, By.TOKENS, false, tokens.size(), total);
    long[] expected = new long[5];
    for (int t : tokens) {
      expected[a.next(t)] += t;
    }
    assertThat(sizes.get().tokens()).containsExactly(expected);
  }

  @Test
  void aWorldLargerThanTheRowsFails() {
    assertThatThrownBy(() -> shard(dir.resolve("too-many"), 301, By.ROWS, false, "jsonl", 2,
        new AtomicReference<>())).hasMessageContaining("--world-size 301 is larger than the 300 "
            + "rows");
    assertThatThrownBy(() -> Sinks.shard(dir.resolve("t"), 2, By.TOKENS, false, "jsonl",
        Formats.nemotron(), null, null, null, null)).hasMessageContaining("needs a tokenizer");
  }

  /** Other partitions and workers: the same bytes in every file the sinks write. */
  @Test
  void theBytesDoNotDependOnPartitionsOrWorkers() throws IOException {
    Path small = dir.resolve("small");
    SampleData.write(small, SampleData.Spec.of(90, 5).withFileKind(FileKind.JSONL));
    Map<String, Map<String, String>> runs = new HashMap<>();
    for (String how : List.of("1-big", "3-small")) {
      String old = System.getProperty(PipelineSpec.PARTITION_SIZE_PROPERTY);
      if (how.endsWith("small")) {
        System.setProperty(PipelineSpec.PARTITION_SIZE_PROPERTY, "2048");
      }
      try {
        int workers = how.startsWith("1") ? 1 : 3;
        Path base = dir.resolve("workers-" + how);
        run(small, List.of(CommandSteps.split(SPLIT, SplitKey.parse("prompt"))),
            Sinks.split(base.resolve("split"), SPLIT.names(), "parquet", Formats.nemotron(),
                "no key", null), workers);
        for (boolean strided : new boolean[] {false, true}) {
          for (By by : By.values()) {
            run(small, List.of(), Sinks.shard(base.resolve("shard-" + strided + "-" + by), 6, by,
                strided, "parquet", Formats.nemotron(), by == By.TOKENS ? counter : null, "m",
                null, null), workers);
          }
        }
        runs.put(how, hashes(base));
      } finally {
        if (old == null) {
          System.clearProperty(PipelineSpec.PARTITION_SIZE_PROPERTY);
        } else {
          System.setProperty(PipelineSpec.PARTITION_SIZE_PROPERTY, old);
        }
      }
    }
    assertThat(runs.get("1-big")).hasSize(3 + 4 * 6);
    assertThat(runs.get("3-small")).isEqualTo(runs.get("1-big"));
  }

  private static Map<String, String> hashes(Path base) throws IOException {
    Map<String, String> out = new HashMap<>();
    try (Stream<Path> walk = Files.walk(base)) {
      for (Path f : walk.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        out.put(base.relativize(f).toString(), dev.refinery.io.FileDigests.sha256(f));
      }
    }
    return out;
  }

  private List<Sample> demo(int rows, long seed) {
    Path in = dir.resolve("demo-" + rows + "-" + seed);
    SampleData.write(in, SampleData.Spec.of(rows, seed).withFileKind(FileKind.JSONL));
    List<Sample> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(in.toString()), Formats.nemotron(),
        RejectHandler.IGNORE)) {
      // Demo data plants duplicate uuids; these tests need every row to be told apart.
      r.forEachRemaining(sample -> out.add(sample.withUuid(seed + "-" + out.size())));
    }
    return out;
  }

  private Path write(String name, List<Sample> samples) {
    Path f = dir.resolve("rows-" + name).resolve(name + ".jsonl");
    try (SampleWriter w = SampleWriter.create(f, Formats.nemotron())) {
      samples.forEach(w::write);
    }
    return f;
  }

  private Map<String, String> splitOfEachUuid(Path in, String out, Path rejects) {
    Path target = dir.resolve(out);
    Runner.Result r = run(in, List.of(CommandSteps.split(SPLIT, SplitKey.parse("prompt"))),
        Sinks.split(target, SPLIT.names(), "parquet", Formats.nemotron(), "no user turn",
            rejects), 2);
    Map<String, String> where = new HashMap<>();
    for (String name : SPLIT.names()) {
      for (String uuid : read(target.resolve(name + ".parquet"))) {
        assertThat(where.put(uuid, name)).isNull();
      }
    }
    assertThat(r.read()).isEqualTo(where.size() + r.rejected());
    assertThat(r.conserved()).isTrue();
    return where;
  }

  @Test
  void rowsStayInTheirSplitWhenRowsAreAdded() {
    List<Sample> base = demo(400, 1);
    List<Sample> more = new ArrayList<>(demo(300, 2));
    more.addAll(base.subList(0, 200)); // a re-blend: other rows first, a part of base after
    more.addAll(base.subList(200, 400));
    Map<String, String> before = splitOfEachUuid(write("base", base), "a", null);
    Map<String, String> after = splitOfEachUuid(write("more", more), "b", null);
    assertThat(before).hasSize(400);
    for (Map.Entry<String, String> e : before.entrySet()) {
      assertThat(after.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(before.values()).contains("train", "validation", "test");
  }

  @Test
  void variantsOfOnePromptNeverStraddleSplits() {
    List<Sample> variants = new ArrayList<>();
    for (Sample s : demo(200, 3)) {
      if (s.firstUserPrompt() == null) {
        continue;
      }
      for (String reasoning : List.of("on", "off")) {
        for (int k = 0; k < 2; k++) {
          List<Message> messages = new ArrayList<>(s.messages());
          messages.add(Message.of("assistant", "variant " + reasoning + k));
          variants.add(s.withMessages(messages).toBuilder().reasoning(reasoning)
              .uuid(s.uuid() + "-" + reasoning + k).build());
        }
      }
    }
    Map<String, String> where = splitOfEachUuid(write("variants", variants), "v", null);
    Map<String, String> byPrompt = new HashMap<>();
    for (Sample s : variants) {
      String split = where.get(s.uuid());
      String first = byPrompt.putIfAbsent(s.firstUserPrompt().strip(), split);
      assertThat(first == null ? split : first).as(s.uuid()).isEqualTo(split);
    }
  }

  @Test
  void aSampleWithoutAKeyIsRejectedWithTheReasonAndItsLine() throws IOException {
    Sample noUser = Sample.builder().uuid("only-system").messages(List.of(
        Message.of("system", "hi"), Message.of("assistant", "hello"))).build();
    List<Sample> rows = new ArrayList<>(demo(20, 4));
    rows.add(noUser);
    Path in = write("keyless", rows);
    Path rejects = dir.resolve("keyless.rejects.jsonl");
    Map<String, String> where = splitOfEachUuid(in, "k", rejects);
    assertThat(where).doesNotContainKey("only-system").hasSize(20);
    List<String> reasons = new ArrayList<>();
    RejectsWriter.read(rejects, r -> reasons.add(r.describe()));
    assertThat(reasons).singleElement().asString().contains("keyless.jsonl:21")
        .contains("no user turn");
    assertThatThrownBy(() -> run(in, List.of(CommandSteps.split(SPLIT,
        SplitKey.parse("prompt"))), Sinks.split(dir.resolve("k2"), SPLIT.names(), "jsonl",
            Formats.nemotron(), "no user turn", null), 2))
        .hasMessageContaining("keyless.jsonl:21").hasMessageContaining("no user turn");
  }
}
