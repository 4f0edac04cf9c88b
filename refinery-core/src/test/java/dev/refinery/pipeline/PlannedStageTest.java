package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.mix.BlendPlan;
import dev.refinery.run.PlannedStage;
import dev.refinery.run.Runner;
import dev.refinery.run.RunFolder;
import dev.refinery.run.StageDecision;
import dev.refinery.run.StageFiles;
import dev.refinery.run.StageInput;
import dev.refinery.run.Stops;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalRunner's planned stage, run directly on stage files holding the same rows (same ids)
 * grouped into different partitions and orders, with the blend as the planned step.
 */
class PlannedStageTest {
  @TempDir Path dir;

  private static final List<String> CATEGORIES = List.of("math", "code", "stem", "chat",
      "other");

  /** Rows of five input files, categories drawn with {@code seed}, in id order. */
  static List<Sample> rows(int n, long seed) {
    Random random = new Random(seed);
    List<Sample> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Skewed: few math rows (repeated by a blend), many stem rows (down-sampled).
      int c = random.nextInt(20);
      String category = CATEGORIES.get(c < 1 ? 0 : c < 4 ? 1 : c < 14 ? 2 : c < 18 ? 3 : 4);
      String text = "word ".repeat(1 + random.nextInt(40));
      rows.add(Sample.builder().uuid("row-" + i).category(category)
          .messages(List.of(Message.of(Message.USER, "q" + i + " " + text),
              Message.of(Message.ASSISTANT, "a" + i)))
          .build().withId(RowId.of(i % 5, i / 5)));
    }
    rows.sort(Comparator.comparing(Sample::id));
    return rows;
  }

  static BlendStep blend(BlendPlan.Unit unit, long total) {
    return new BlendStep(new BlendStep.Config("category", List.of("math", "code", "stem",
        "chat"), List.of(0.4, 0.3, 0.2, 0.1), unit, total,
        unit == BlendPlan.Unit.TOKENS ? "cl100k_base" : null, null, "t.yaml:3 steps[0].blend"));
  }

  /** Partitions: each a list of rows in increasing id order, as the runner keeps them. */
  static List<List<Sample>> split(List<Sample> rows, int parts, long seed) {
    Random random = new Random(seed);
    List<List<Sample>> out = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      out.add(new ArrayList<>());
    }
    for (Sample s : rows) {
      out.get(random.nextInt(parts)).add(s);
    }
    out.forEach(p -> p.sort(Comparator.comparing(Sample::id)));
    Collections.shuffle(out, random);
    return out;
  }

  /** What a run of the stage gave: rows out by id, drops by reason, manifest, report. */
  record Outcome(List<String> rows, Map<String, Long> drops, String manifest,
                 Map<String, Object> report) {}

  private Outcome runStage(String name, List<List<Sample>> partitions, BlendStep step,
      int workers, boolean resume, List<Integer> opened) throws Exception {
    RunFolder folder = new RunFolder(dir.resolve(name));
    for (int p = 0; p < partitions.size(); p++) {
      Path part = folder.part(0, p);
      if (Files.exists(part)) {
        continue;
      }
      Files.createDirectories(part.getParent());
      SampleWriter writer = StageFiles.writer(part);
      partitions.get(p).forEach(writer::write);
      writer.close();
    }
    ConcurrentLinkedQueue<Integer> reads = new ConcurrentLinkedQueue<>();
    StageInput input = new StageInput(folder, 1, partitions.size(), p -> {
      reads.add(p);
      return StageFiles.reader(folder.part(0, p));
    }, workers, Runner.Options.DEFAULT_SORT_MEMORY, resume, new Stops(folder.root(), () -> { }), 17, false, line -> { });
    StageDecision decision = PlannedStage.decide(step, input);
    if (opened != null) {
      opened.addAll(new java.util.TreeSet<>(reads));
    }
    List<Sample> out = new ArrayList<>();
    Map<String, Long> drops = new TreeMap<>();
    for (int p = 0; p < partitions.size(); p++) {
      int partition = p;
      try (StageDecision.Part part = decision.open(p);
           SampleReader reader = StageFiles.reader(folder.part(0, p))) {
        Iterator<Sample> it = part.step().apply(reader, new StepContext() {
          @Override
          public int partition() {
            return partition;
          }

          @Override
          public long seed() {
            return 17;
          }

          @Override
          public void drop(Sample sample, String reason, String detail) {
            drops.merge(reason, 1L, Long::sum);
          }

          @Override
          public void repeated(Sample sample, int extra) {
            drops.merge("(repeated)", (long) extra, Long::sum);
          }
        });
        it.forEachRemaining(out::add);
      }
    }
    out.sort(Comparator.comparing(Sample::id));
    List<String> ids = new ArrayList<>();
    out.forEach(s -> ids.add(s.id() + " " + s.uuid()));
    Map<String, Object> report = new LinkedHashMap<>(decision.report());
    report.remove("seconds");
    return new Outcome(ids, drops, decision.files().get(BlendStep.MANIFEST), report);
  }

  private static Map<String, Long> byCategory(List<String> rows, List<Sample> all) {
    Map<String, String> category = new java.util.HashMap<>();
    all.forEach(s -> category.put(s.uuid(), s.category()));
    Map<String, Long> counts = new TreeMap<>();
    rows.forEach(r -> counts.merge(category.get(r.substring(r.indexOf(' ') + 1)), 1L,
        Long::sum));
    return counts;
  }

  @Test
  void theSameRowsSplitIntoOtherPartitionsInAnyOrderGiveTheSameRowsAndManifest()
      throws Exception {
    List<Sample> rows = rows(3000, 1);
    BlendStep step = blend(BlendPlan.Unit.SAMPLES, 2000);
    Outcome one = runStage("one", List.of(rows), step, 1, false, null);
    Outcome three = runStage("three", split(rows, 3, 5), step, 2, false, null);
    Outcome seven = runStage("seven", split(rows, 7, 9), step, 4, false, null);

    // Exact quotas, by category: 40% of 2000 math rows from ~150 (epochs plus a remainder).
    assertThat(one.rows()).hasSize(2000);
    assertThat(byCategory(one.rows(), rows)).isEqualTo(Map.of("math", 800L, "code", 600L,
        "stem", 400L, "chat", 200L));
    // Copies have their own ids, derived from the row's.
    assertThat(one.rows()).doesNotHaveDuplicates().anyMatch(r -> r.contains("/0 "));
    assertThat(three).isEqualTo(one);
    assertThat(seven).isEqualTo(one);
  }

  @Test
  void byTokensTheBoundaryIsRefinedAndTheChoiceDoesNotDependOnThePartitions()
      throws Exception {
    List<Sample> rows = rows(4000, 2);
    BlendStep step = blend(BlendPlan.Unit.TOKENS, 60_000);
    Outcome one = runStage("t1", List.of(rows), step, 1, false, null);
    Outcome four = runStage("t4", split(rows, 4, 3), step, 2, false, null);
    assertThat(one.report()).containsEntry("refinements", 1);
    assertThat(four).isEqualTo(one);
    @SuppressWarnings("unchecked")
    Map<String, Object> manifest = (Map<String, Object>) dev.refinery.internal.Json.parse(
        one.manifest());
    assertThat(manifest).containsEntry("all_within_tolerance", true);
    assertThat(((Number) manifest.get("realized_samples")).longValue())
        .isEqualTo(one.rows().size());
  }

  @Test
  void aResumedStageSummarizesOnlyThePartitionsWithoutASummary() throws Exception {
    List<Sample> rows = rows(2000, 3);
    List<List<Sample>> parts = split(rows, 4, 1);
    BlendStep step = blend(BlendPlan.Unit.TOKENS, 30_000);
    List<Integer> opened = new ArrayList<>();
    Outcome first = runStage("r", parts, step, 2, false, opened);
    RunFolder folder = new RunFolder(dir.resolve("r"));
    for (int p = 0; p < 4; p++) {
      assertThat(folder.summary(1, 0, p)).exists();
      assertThat(folder.summary(1, 1, p)).exists();
      // Written as its used buckets only: not 4 groups x 2 x 64k longs (4 MiB).
      assertThat(Files.size(folder.summary(1, 0, p))).isLessThan(64 * 1024);
    }
    assertThat(opened).containsExactly(0, 1, 2, 3);

    // Interrupted after partition 2's first summary and before the refinement's of 1 and 3.
    Files.delete(folder.summary(1, 0, 2));
    Files.delete(folder.summary(1, 1, 1));
    Files.delete(folder.summary(1, 1, 3));
    opened.clear();
    Outcome resumed = runStage("r", parts, step, 2, true, opened);
    assertThat(opened).containsExactly(1, 2, 3);
    assertThat(resumed).isEqualTo(first);

    // Without resume every partition is summarized again.
    opened.clear();
    runStage("r", parts, step, 2, false, opened);
    assertThat(opened).containsExactly(0, 1, 2, 3);
  }

  @Test
  void samplesAreExactWhenTheRemainderEndsInsideACrowdedBucket() {
    // 300,000 rows a group: ~4.6 rows per hash bucket, so the cut falls inside one.
    int n = 600_000;
    BlendStep step = new BlendStep(new BlendStep.Config("category", List.of("a", "b"),
        List.of(1.0, 1.0), BlendPlan.Unit.SAMPLES, 2 * 234_567, null, null, "t"));
    Function<Integer, Iterator<Sample>> part = p -> new Iterator<>() {
      int i = p;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public Sample next() {
        Sample s = Sample.builder().uuid("u").category(i % 2 == 0 ? "a" : "b")
            .messages(List.of(Message.of(Message.USER, "q"))).build().withId(RowId.of(0, i));
        i += 3;
        return s;
      }
    };
    BlendStep.Counts total = step.zero();
    for (int p : List.of(2, 0, 1)) {
      total = total.plus(step.summarize(part.apply(p), 5));
    }
    PlannedStep.Plan plan = step.plan(total, 5);
    assertThat(plan.refine()).isNotNull();
    @SuppressWarnings("unchecked")
    PlannedStep.Round<BlendStep.Edges> round =
        (PlannedStep.Round<BlendStep.Edges>) plan.refine();
    BlendStep.Edges edges = round.zero();
    for (int p : List.of(1, 2, 0)) {
      edges = edges.plus(round.summarize(part.apply(p)));
    }
    PlannedStep.Plan last = round.plan(edges);
    assertThat(last.refine()).isNull();
    // The plan goes to wherever partitions run: its step, serialized and read back, decides alike.
    MapStep shipped = roundTrip(last.step());
    long[] written = new long[2];
    for (int p = 0; p < 3; p++) {
      shipped.apply(part.apply(p), new StepContext() {
        @Override
        public int partition() {
          return 0;
        }

        @Override
        public long seed() {
          return 5;
        }

        @Override
        public void drop(Sample sample, String reason, String detail) {}
      }).forEachRemaining(s -> written[s.category().equals("a") ? 0 : 1]++);
    }
    assertThat(written).containsExactly(234_567, 234_567);
  }

  @Property(tries = 40)
  void summariesAddUpWhateverTheSplitAndOrder(@ForAll @IntRange(max = 1500) int n,
      @ForAll @IntRange(min = 1, max = 6) int parts, @ForAll long seed) {
    List<Sample> rows = rows(n, seed);
    BlendStep step = blend(BlendPlan.Unit.SAMPLES, 100);
    BlendStep.Counts whole = step.summarize(rows.iterator(), seed);
    List<BlendStep.Counts> summaries = new ArrayList<>();
    for (List<Sample> p : split(rows, parts, seed)) {
      summaries.add(step.summarize(p.iterator(), seed));
    }
    BlendStep.Counts left = step.zero();
    for (BlendStep.Counts s : summaries) {
      left = left.plus(s);
    }
    // Added from the right, in another grouping: associative and commutative.
    BlendStep.Counts right = step.zero();
    for (int i = summaries.size() - 1; i >= 0; i--) {
      right = summaries.get(i).plus(right);
    }
    assertThat(left).isEqualTo(whole);
    assertThat(right).isEqualTo(whole);
    assertThat(step.zero().plus(whole)).isEqualTo(whole);
  }

  @Property(tries = 40)
  void boundaryRowsAddUpWhateverTheSplitAndOrder(@ForAll @IntRange(max = 300) int n,
      @ForAll @IntRange(min = 1, max = 5) int parts, @ForAll @IntRange(max = 400) int need,
      @ForAll boolean bySamples, @ForAll long seed) {
    Random random = new Random(seed);
    BlendStep.Open[] open = {new BlendStep.Open(0, need), null};
    List<BlendStep.Edge> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(new BlendStep.Edge(random.nextLong() >>> 16, RowId.of(0, i),
          random.nextInt(10)));
    }
    BlendStep.Edges whole = edges(open, bySamples, all);
    List<BlendStep.Edges> summaries = new ArrayList<>();
    List<List<BlendStep.Edge>> split = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      split.add(new ArrayList<>());
    }
    all.forEach(e -> split.get(random.nextInt(parts)).add(e));
    split.forEach(p -> summaries.add(edges(open, bySamples, p)));
    BlendStep.Edges left = new BlendStep.Edges(open, bySamples);
    for (BlendStep.Edges s : summaries) {
      left = left.plus(s);
    }
    BlendStep.Edges right = new BlendStep.Edges(open, bySamples);
    for (int i = summaries.size() - 1; i >= 0; i--) {
      right = summaries.get(i).plus(right);
    }
    assertThat(left).isEqualTo(whole);
    assertThat(right).isEqualTo(whole);
    // What is kept is the draw's first rows, no more than the need asks for.
    List<BlendStep.Edge> sorted = new ArrayList<>(all);
    Collections.sort(sorted);
    List<BlendStep.Edge> kept = whole.groups.get(0);
    assertThat(kept).isEqualTo(sorted.subList(0, kept.size()));
    if (bySamples) {
      assertThat(kept).hasSize(Math.min(need, n));
    }
  }

  private static MapStep roundTrip(MapStep step) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(step);
      }
      try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
          new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
        return (MapStep) in.readObject();
      }
    } catch (java.io.IOException | ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** A partition's boundary summary: its rows, trimmed as a summary is. */
  private static BlendStep.Edges edges(BlendStep.Open[] open, boolean bySamples,
      List<BlendStep.Edge> rows) {
    BlendStep.Edges raw = new BlendStep.Edges(open, bySamples);
    raw.groups.get(0).addAll(rows);
    return new BlendStep.Edges(open, bySamples).plus(raw);
  }
}
