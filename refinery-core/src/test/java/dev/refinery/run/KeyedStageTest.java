package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.internal.Json;
import dev.refinery.pipeline.KeyedStep;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.StepContext;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyedStageTest {
  @TempDir Path dir;

  /** The runs' sort memory: tests lower it to force spills. */
  private long sortMemory = Runner.Options.DEFAULT_SORT_MEMORY;

  // ---- KeyedStage on its own, over stage files ----

  private static final int PARTITIONS = 4;

  /**
   * Rows of a previous stage: partition p holds ids (p, 3i) (not contiguous), prompts that repeat
   * across partitions.
   */
  private RunFolder stageFiles(Path root) {
    RunFolder folder = new RunFolder(root);
    SplittableRandom random = new SplittableRandom(11);
    for (int p = 0; p < PARTITIONS; p++) {
      try {
        Files.createDirectories(folder.stage(0));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      SampleWriter w = StageFiles.writer(folder.part(0, p));
      for (int i = 0; i < 300; i++) {
        int n = random.nextInt(120);
        w.write(chat("r" + p + "-" + i, "prompt " + n).withId(RowId.of(p, 3L * i)));
      }
      w.close();
    }
    return folder;
  }

  static Sample chat(String uuid, String prompt) {
    return Sample.builder().uuid(uuid).messages(List.of(Message.of("user", prompt),
        Message.of("assistant", "an answer"))).build();
  }

  /**
   * A step that exercises every verdict: rows group by prompt number mod 40 (first kept, the
   * others dropped as "dup" naming it), and rows with an even number also by number mod 7, where
   * the group's first row gets the group's size in copies and the last a drop "late": several
   * verdicts on one row, combined. Lines name each mod-40 group by its first row.
   */
  static class TestStep implements KeyedStep {
    private final AtomicLong emitted = new AtomicLong();

    AtomicLong emitted() {
      return emitted;
    }

    @Override
    public String name() {
      return "test_keyed";
    }

    @Override
    public void emit(Sample row, Emitter out) {
      emitted.incrementAndGet();
      int n = Integer.parseInt(row.firstUserPrompt().substring("prompt ".length()));
      if (n % 11 == 10) {
        return;
      }
      out.emit(0, n % 40, row.uuid().getBytes(StandardCharsets.UTF_8));
      if (n % 2 == 0) {
        out.emit(1, n % 7, new byte[] {(byte) n});
      }
    }

    @Override
    public void reduce(Group group, Verdicts out) {
      if (group.keyHigh() == 0) {
        String first = new String(group.value(0), StandardCharsets.UTF_8);
        for (int i = 1; i < group.size(); i++) {
          out.drop(group.id(i), "dup", "of " + first);
        }
        out.line(group.id(0), first + " " + group.size());
        out.count("groups_by_40", 1);
      } else {
        out.copies(group.id(0), Math.min(group.size(), 3));
        out.drop(group.id(group.size() - 1), "late", null);
      }
    }

    @Override
    public String linesFile() {
      return "test_lines.txt";
    }
  }

  /** One applied partition: kept rows as uuid@id, drops as uuid:reason:detail. */
  private record Applied(List<String> kept, List<String> dropped, long repeated) {}

  private static final class Context implements StepContext {
    final int partition;
    final List<String> dropped = new ArrayList<>();
    long repeated;

    Context(int partition) {
      this.partition = partition;
    }

    @Override
    public int partition() {
      return partition;
    }

    @Override
    public long seed() {
      return 1;
    }

    @Override
    public void drop(Sample sample, String reason, String detail) {
      dropped.add(sample.uuid() + ":" + reason + ":" + detail);
    }

    @Override
    public void repeated(Sample sample, int extra) {
      repeated += extra;
    }
  }

  private StageInput input(RunFolder folder, int workers, boolean resume) {
    return new StageInput(folder, 1, PARTITIONS, p -> StageFiles.reader(folder.part(0, p)),
        workers, sortMemory, resume, new Stops(folder.root(), () -> { }), 1, true, line -> { });
  }

  /** Decides, then applies the partitions in the given order; results by partition. */
  private Map<Integer, Applied> decideAndApply(KeyedStep step, RunFolder folder, int workers,
      List<Integer> order) {
    StageDecision decision = KeyedStage.decide(step, input(folder, workers, false));
    Map<Integer, Applied> applied = new TreeMap<>();
    for (int p : order) {
      Context context = new Context(p);
      List<String> kept = new ArrayList<>();
      try (StageDecision.Part part = decision.open(p);
           SampleReader reader = StageFiles.reader(folder.part(0, p))) {
        part.step().apply(reader, context).forEachRemaining(s -> kept.add(s.uuid() + "@"
            + s.id()));
      }
      applied.put(p, new Applied(kept, context.dropped, context.repeated));
    }
    return applied;
  }

  private static long runFiles(RunFolder folder) throws IOException {
    try (Stream<Path> files = Files.list(folder.work().resolve("k1"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("emit-")
          && f.toString().endsWith(".run")).count();
    }
  }

  @Test
  void aTinySpillBudgetManyWorkersAndAnyPartitionOrderGiveTheSameVerdicts() throws IOException {
    RunFolder big = stageFiles(dir.resolve("big"));
    Map<Integer, Applied> expected = decideAndApply(new TestStep(), big, 1, List.of(0, 1, 2, 3));
    assertThat(runFiles(big)).isEqualTo(PARTITIONS);

    // Budgets are shared by the 3 workers: a few records per run, more runs than one merge takes.
    sortMemory = 1_500;
    RunFolder tiny = stageFiles(dir.resolve("tiny"));
    Map<Integer, Applied> spilled = decideAndApply(new TestStep(), tiny, 3, List.of(3, 1, 0, 2));
    assertThat(runFiles(tiny)).as("many spilled runs").isGreaterThan(KeyedStage.MERGE_FAN_IN);
    assertThat(spilled).isEqualTo(expected);
    assertThat(Files.readString(tiny.root().resolve("test_lines.txt")))
        .isEqualTo(Files.readString(big.root().resolve("test_lines.txt")));
    assertThat(Files.readAllBytes(tiny.work().resolve("k1/verdicts.bin")))
        .isEqualTo(Files.readAllBytes(big.work().resolve("k1/verdicts.bin")));
  }

  @Test
  void verdictsFollowTheRulesAgainstAReferenceComputedInMemory() throws IOException {
    sortMemory = 5_000;
    RunFolder folder = stageFiles(dir.resolve("run"));
    Map<Integer, Applied> applied = decideAndApply(new TestStep(), folder, 2,
        List.of(2, 0, 3, 1));

    // The reference: every row of every partition in id order, grouped in maps.
    List<Sample> rows = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      try (SampleReader r = StageFiles.reader(folder.part(0, p))) {
        r.forEachRemaining(rows::add);
      }
    }
    Map<Integer, List<Sample>> by40 = new TreeMap<>();
    Map<Integer, List<Sample>> by7 = new TreeMap<>();
    for (Sample s : rows) {
      int n = Integer.parseInt(s.firstUserPrompt().substring(7));
      if (n % 11 == 10) {
        continue;
      }
      by40.computeIfAbsent(n % 40, k -> new ArrayList<>()).add(s);
      if (n % 2 == 0) {
        by7.computeIfAbsent(n % 7, k -> new ArrayList<>()).add(s);
      }
    }
    Map<RowId, String> drop = new TreeMap<>();
    Map<RowId, Integer> copies = new TreeMap<>();
    for (List<Sample> g : by40.values()) {
      for (int i = 1; i < g.size(); i++) {
        drop.put(g.get(i).id(), "dup:of " + g.get(0).uuid());
      }
    }
    for (List<Sample> g : by7.values()) {
      copies.put(g.get(0).id(), Math.min(g.size(), 3));
      // "dup" < "late": a row dropped as a duplicate stays dropped as one.
      drop.putIfAbsent(g.get(g.size() - 1).id(), "late:null");
    }
    for (int p = 0; p < PARTITIONS; p++) {
      List<String> kept = new ArrayList<>();
      List<String> dropped = new ArrayList<>();
      long repeated = 0;
      for (Sample s : rows) {
        if (s.id().file() != p) {
          continue;
        }
        if (drop.containsKey(s.id())) {
          dropped.add(s.uuid() + ":" + drop.get(s.id()));
          continue;
        }
        int c = copies.getOrDefault(s.id(), 1);
        repeated += c - 1;
        for (int k = 0; k < c; k++) {
          kept.add(s.uuid() + "@" + (k == 0 ? s.id() : s.id().derive(k - 1)));
        }
      }
      assertThat(applied.get(p)).as("partition " + p)
          .isEqualTo(new Applied(kept, dropped, repeated));
    }
    assertThat(applied.values().stream().mapToLong(Applied::repeated).sum()).isPositive();
  }

  @Test
  void aReduceMaySpeakOnlyOfItsGroupsRows() {
    RunFolder folder = stageFiles(dir.resolve("run"));
    KeyedStep outsider = new TestStep() {
      @Override
      public void reduce(Group group, Verdicts out) {
        out.drop(RowId.of(9, 9), "nope", null);
      }
    };
    assertThatThrownBy(() -> KeyedStage.decide(outsider, input(folder, 1, false)))
        .hasMessageContaining("9:9").hasMessageContaining("not in its group");
  }

  @Test
  void rowsOutOfIdOrderFailNamingThePartitionAndIds() {
    RunFolder folder = new RunFolder(dir.resolve("run"));
    SampleWriter w = StageFiles.writer(folder.part(0, 0));
    w.write(chat("a", "prompt 1").withId(RowId.of(0, 5)));
    w.write(chat("b", "prompt 2").withId(RowId.of(0, 4)));
    w.close();
    StageInput in = new StageInput(folder, 1, 1, p -> StageFiles.reader(folder.part(0, p)), 1,
        sortMemory, false, new Stops(folder.root(), () -> { }), 1, true, line -> { });
    assertThatThrownBy(() -> KeyedStage.decide(new TestStep(), in))
        .hasMessageContaining("partition 0").hasMessageContaining("0:4 after row 0:5");
  }

  @Test
  void aResumeKeepsTheEmitOfFinishedPartitions() throws IOException {
    RunFolder folder = stageFiles(dir.resolve("run"));
    KeyedStep crashing = new TestStep() {
      @Override
      public void reduce(Group group, Verdicts out) {
        throw new IllegalStateException("crash in reduce");
      }
    };
    assertThatThrownBy(() -> KeyedStage.decide(crashing, input(folder, 2, false)))
        .hasMessageContaining("crash in reduce");
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(KeyedStage.emitMarker(folder.work().resolve("k1"), p)).exists();
    }
    TestStep resumed = new TestStep();
    KeyedStage.decide(resumed, input(folder, 2, true));
    assertThat(resumed.emitted().get()).as("no row emitted again").isZero();
    RunFolder fresh = stageFiles(dir.resolve("fresh"));
    KeyedStage.decide(new TestStep(), input(fresh, 2, false));
    assertThat(Files.readAllBytes(folder.work().resolve("k1/verdicts.bin")))
        .isEqualTo(Files.readAllBytes(fresh.work().resolve("k1/verdicts.bin")));
  }

  // ---- through LocalRunner ----

  private static String row(String uuid, String prompt) {
    return Json.write(Map.of("uuid", uuid, "messages", List.of(
        Map.of("role", "user", "content", prompt),
        Map.of("role", "assistant", "content", "an answer")))) + "\n";
  }

  private Path exactRun(Path in, String name, int workers) {
    Runner.Result r = LocalRunner.run(Pipeline.compile(exactSpec(in, name)),
        new Runner.Options(workers, false, Runner.Progress.NONE).withSortMemory(sortMemory));
    assertThat(r.conserved()).isTrue();
    return dir.resolve(name);
  }

  private PipelineSpec exactSpec(Path in, String name) {
    return PipelineSpec.parse(name + ".yaml", """
        input: {path: %s, format: nemotron}
        steps:
          - exact_dedup: {key: prompt}
        output: {path: %s, format: jsonl, shards: 2}
        keep_dropped: true
        seed: 1
        """.formatted(in, dir.resolve(name)), dir);
  }

  @Test
  void exactDedupKeepsTheSmallestIdAcrossPartitionsWhateverTheWorkersAndBudget()
      throws IOException {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    // Ids order by file, so a's rows are kept whichever partition a worker finishes first.
    Files.writeString(in.resolve("a.jsonl"), row("a0", "x") + row("a1", "p0") + row("a2", "p1"));
    Files.writeString(in.resolve("b.jsonl"), row("b0", "P0") + row("b1", "p1 ") + row("b2", "y"));
    Files.writeString(in.resolve("c.jsonl"), row("c0", "p1") + row("c1", "  p0"));
    Path one = exactRun(in, "one", 1);
    sortMemory = 100;
    Path three = exactRun(in, "three", 3);
    String out = Files.readString(one.resolve("data/train-00000-of-00002.jsonl"))
        + Files.readString(one.resolve("data/train-00001-of-00002.jsonl"));
    assertThat(out).contains("\"a0\"", "\"a1\"", "\"a2\"", "\"b2\"")
        .doesNotContain("\"b0\"", "\"b1\"", "\"c0\"", "\"c1\"");
    for (String f : List.of("data/train-00000-of-00002.jsonl", "data/train-00001-of-00002.jsonl",
        "rejects/dropped-s1-00001.jsonl", "rejects/dropped-s1-00002.jsonl")) {
      assertThat(Files.readString(three.resolve(f))).as(f)
          .isEqualTo(Files.readString(one.resolve(f)));
    }
    assertThat(Files.readString(one.resolve("rejects/dropped-s1-00002.jsonl")))
        .contains("duplicate of a1").contains("duplicate of a2");
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(one.resolve("stats.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) ((Map<String, Object>)
        ((List<Object>) stats.get("global_steps")).get(0)).get("report");
    assertThat(report).containsEntry("samples", 8L).containsEntry("without_key", 0L)
        .containsEntry("distinct_keys", 4L).containsEntry("dropped", 4L)
        .containsKey("seconds");
  }

  /** A keyed step that passes everything to another, counting emits or crashing in reduce. */
  private record Wrapped(KeyedStep step, AtomicLong emits, boolean crash) implements KeyedStep {
    @Override
    public String name() {
      return step.name();
    }

    @Override
    public void emit(Sample row, Emitter out) {
      emits.incrementAndGet();
      step.emit(row, out);
    }

    @Override
    public void reduce(Group group, Verdicts out) {
      if (crash) {
        throw new IllegalStateException("crash in reduce");
      }
      step.reduce(group, out);
    }

    @Override
    public Map<String, Object> report(Figures figures) {
      return step.report(figures);
    }
  }

  @Test
  void aRunThatCrashedBetweenEmitAndReduceResumesWithoutEmittingAgain() throws IOException {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    for (int f = 0; f < 3; f++) {
      StringBuilder rows = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        rows.append(row("f" + f + "-" + i, "prompt " + (i * 7 + f) % 30));
      }
      Files.writeString(in.resolve("f" + f + ".jsonl"), rows);
    }
    Path whole = exactRun(in, "whole", 2);
    PipelineSpec spec = exactSpec(in, "crash");
    KeyedStep exact = (KeyedStep) Pipeline.compile(spec).steps().get(0);
    AtomicLong first = new AtomicLong();
    assertThatThrownBy(() -> LocalRunner.run(new Pipeline(spec,
        List.of(new Wrapped(exact, first, true))), new Runner.Options(2, false,
        Runner.Progress.NONE))).hasMessageContaining("crash in reduce");
    assertThat(first.get()).isEqualTo(120);

    AtomicLong again = new AtomicLong();
    Runner.Result r = LocalRunner.run(new Pipeline(spec,
        List.of(new Wrapped(exact, again, false))), new Runner.Options(2, true,
        Runner.Progress.NONE));
    assertThat(again.get()).as("rows emitted again").isZero();
    assertThat(r.conserved()).isTrue();
    assertThat(r.dropped()).isEqualTo(90);
    for (String f : List.of("data/train-00000-of-00002.jsonl", "data/train-00001-of-00002.jsonl",
        "rejects/dropped-s1-00001.jsonl", "rejects/dropped-s1-00002.jsonl")) {
      assertThat(Files.readString(dir.resolve("crash").resolve(f))).as(f)
          .isEqualTo(Files.readString(whole.resolve(f)));
    }
  }
}
