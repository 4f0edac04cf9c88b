package dev.refinery.run;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import dev.refinery.io.Inputs;
import dev.refinery.pipeline.InputFiles;
import dev.refinery.pipeline.KeyedStep;
import dev.refinery.pipeline.MapStep;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.PlannedStep;
import dev.refinery.pipeline.Sink;
import dev.refinery.pipeline.Step;
import dev.refinery.pipeline.StepContext;
import dev.refinery.pipeline.StepStats;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * A runner that is deliberately unlike LocalRunner, to prove steps and sinks decide by row ids
 * and content only: it reads the input in parts of a random size in a shuffled order, holds
 * everything in memory, cuts the rows into partitions of random sizes again before every step,
 * runs partitions in a shuffled order, gathers keyed records in a hash map and reduces the groups
 * in a random order, adds planned summaries in a random order, and finds components with its own
 * union-find. After the last step it cuts the rows once more, into partitions of other sizes and
 * another count (empty ones too) than LocalRunner's, writes them as stage files into its own run
 * folder and hands them to the pipeline's {@link Sink}, on a random number of workers, its
 * {@link SinkInput#forEach} tasks run one at a time in a shuffled order; a final tokenize step
 * tokenizes those partitions. It writes what LocalRunner's run folder holds besides its
 * bookkeeping (rejects/, a keyed step's lines file, a plan's files). Whatever it does, a correct
 * pipeline gives LocalRunner's files, byte for byte ({@link SameOutputs}).
 */
final class ShuffledRunner {

  /**
   * Rows in output order, drops per step as "step: reason" to count, totals, and the files the
   * sink wrote.
   */
  record Result(List<Sample> rows, Map<String, Long> drops, long read, long rejected,
                long repeated, List<Path> files, String how) {}

  /** A dropped row LocalRunner keeps in rejects/ (with a detail, or every one with keep_dropped). */
  private record Dropped(int stage, String name, String reason, String detail, Sample sample) {}

  private final Random random;
  private final long shuffleSeed;
  private final RunFolder folder;
  private final Map<String, Long> drops = new TreeMap<>();
  private final List<Dropped> dropped = new ArrayList<>();
  private boolean keepDropped;
  private long repeated;
  /** The stage that is running, as LocalRunner numbers them. */
  private int stage;

  private ShuffledRunner(long shuffleSeed, Path runFolder) {
    // Scrambled: java.util.Random's first draws from seeds 1, 2, 3 are nearly alike.
    this.random = new Random(shuffleSeed * 0x9E3779B97F4A7C15L);
    this.shuffleSeed = shuffleSeed;
    this.folder = new RunFolder(runFolder);
  }

  /** Runs {@code pipeline} with its run folder at {@code runFolder} (new or empty). */
  static Result run(Pipeline pipeline, long shuffleSeed, Path runFolder) {
    try {
      return new ShuffledRunner(shuffleSeed, runFolder).execute(pipeline);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Result execute(Pipeline pipeline) throws IOException {
    PipelineSpec spec = pipeline.spec();
    Sink sink = pipeline.sink();
    keepDropped = spec.keepDropped();
    Files.createDirectories(folder.work().resolve("rejects"));
    Files.createDirectories(folder.rejects());
    InputFiles files = InputFiles.resolve(spec.input(), spec.source());
    List<InputFile> inputs = files.files();
    // Whole files, or parts of a random size (row groups, byte ranges) unlike LocalRunner's.
    // Seeds 1, 2, 3 (the tests') go every way: two in small parts, the sink's three cuts.
    long partitionBytes = shuffleSeed % 3 == 0 ? 1L << 40 : 1 + random.nextInt(64 * 1024);
    List<InputSplit> splits = Inputs.splits(inputs, partitionBytes);
    List<List<Sample>> read = new ArrayList<>(Collections.nCopies(splits.size(), null));
    long readRows = 0;
    long rejected = 0;
    // Parts read in a shuffled order: the ids, not the reading order, must put rows in place.
    for (int p : shuffledIndexes(splits.size())) {
      List<Sample> own = new ArrayList<>();
      try (RejectsWriter undecodable = new RejectsWriter(folder.undecodablePart(p));
           SampleReader reader = SampleReader.open(splits.get(p),
               files.format(splits.get(p).fileIndex()),
               sink.failOnReject() ? RejectHandler.FAIL : undecodable)) {
        reader.forEachRemaining(own::add);
        readRows += reader.read();
        rejected += reader.rejected();
      }
      read.set(p, own);
    }
    List<List<Sample>> partitions = cut(flatten(read));
    List<List<Step>> segments = pipeline.segments();
    for (stage = 0; stage < segments.size(); stage++) {
      List<Step> segment = segments.get(stage);
      for (Step step : segment) {
        partitions = cut(flatten(apply(step, partitions, spec.seed())));
      }
    }
    List<Sample> rows = flatten(partitions);

    int lastStage = segments.size() - 1;
    List<List<Sample>> parts = cutForSink(rows);
    Files.createDirectories(folder.stage(lastStage));
    for (int p = 0; p < parts.size(); p++) {
      SampleWriter writer = StageFiles.writer(folder.part(lastStage, p));
      for (Sample s : parts.get(p)) {
        writer.write(s);
      }
      writer.close();
    }
    long[] counts = parts.stream().mapToLong(List::size).toArray();
    int workers = 1 + random.nextInt(4);
    List<String> notes = new ArrayList<>();
    Stops stops = new Stops(folder.root(), () -> { });
    Path unwritableFile = folder.rejects().resolve(RunFolder.UNWRITABLE);
    List<Path> outputs;
    long unwritable;
    try (RejectsWriter unwritten = new RejectsWriter(unwritableFile);
         // A sort budget of a few KB: a shuffled output spills many runs, unlike LocalRunner's.
         SinkInput in = new SinkInput(folder, inputs, counts, workers, 4096L << (shuffleSeed % 3),
             spec.seed(),
             p -> StageFiles.reader(folder.part(lastStage, p)), notes::add,
             sink.failOnUnwritable() ? RejectHandler.FAIL : unwritten, stops,
             this::shuffledTasks)) {
      outputs = sink.write(in);
      unwritable = unwritten.count();
      in.drops().forEach((reason, n) -> drops.merge(RunTotals.OUTPUT + ": " + reason, n,
          Long::sum));
    }
    if (unwritable == 0) {
      Files.deleteIfExists(unwritableFile);
    }
    RejectFiles.assemble(folder, splits, 1 + random.nextInt(3));
    writeDropped();
    sink.finish(folder);
    String how = "input in " + splits.size() + " parts of " + (partitionBytes == 1L << 40
        ? "whole files" : partitionBytes + " bytes") + ", sink input in " + parts.size()
        + " partitions on " + workers + " workers";
    return new Result(rows, drops, readRows, rejected + unwritable, repeated, outputs, how);
  }

  /**
   * The kept drops as LocalRunner's rejects/ holds them: per stage and input file, in id order,
   * the order of a stage's rows in each of LocalRunner's partitions (no step reorders rows yet;
   * one that does would need the rows' positions here).
   */
  private void writeDropped() {
    Map<String, List<Dropped>> byFile = new TreeMap<>();
    for (Dropped d : dropped) {
      byFile.computeIfAbsent(d.stage() + "/" + d.sample().id().file(), k -> new ArrayList<>())
          .add(d);
    }
    for (List<Dropped> list : byFile.values()) {
      list.sort(Comparator.comparing((Dropped d) -> d.sample().id()));
      Dropped first = list.get(0);
      DroppedWriter out = new DroppedWriter(
          folder.droppedOfInput(first.stage(), first.sample().id().file()), keepDropped);
      list.forEach(d -> out.write(d.name(), d.reason(), d.detail(), d.sample()));
      out.close();
    }
  }

  /** {@link SinkInput#forEach}'s tasks one at a time, in a shuffled order. */
  private void shuffledTasks(int n, IntConsumer task) {
    for (int i : shuffledIndexes(n)) {
      task.accept(i);
    }
  }

  /**
   * The sink's partitions by shuffle seed: one; many small ones (more than LocalRunner has for so
   * few rows, empty ones among them); or as {@link #cut} does.
   */
  private List<List<Sample>> cutForSink(List<Sample> rows) {
    switch ((int) Math.floorMod(shuffleSeed, 3L)) {
      case 0:
        return List.of(rows);
      case 1:
        List<List<Sample>> parts = new ArrayList<>();
        for (int at = 0; at < rows.size(); ) {
          int n = Math.min(rows.size() - at, random.nextInt(Math.max(2, rows.size() / 20)));
          parts.add(rows.subList(at, at + n));
          at += n;
        }
        parts.add(List.of());
        return parts;
      default:
        return cut(rows);
    }
  }

  /** Cuts rows into 1 to 7 partitions of random sizes, in order. */
  private List<List<Sample>> cut(List<Sample> rows) {
    int n = 1 + random.nextInt(7);
    List<Integer> bounds = new ArrayList<>();
    for (int i = 0; i < n - 1; i++) {
      bounds.add(rows.isEmpty() ? 0 : random.nextInt(rows.size() + 1));
    }
    bounds.add(0);
    bounds.add(rows.size());
    Collections.sort(bounds);
    List<List<Sample>> parts = new ArrayList<>();
    for (int i = 0; i + 1 < bounds.size(); i++) {
      parts.add(new ArrayList<>(rows.subList(bounds.get(i), bounds.get(i + 1))));
    }
    return parts;
  }

  private static List<Sample> flatten(List<List<Sample>> parts) {
    List<Sample> all = new ArrayList<>();
    parts.forEach(all::addAll);
    return all;
  }

  private List<Integer> shuffledIndexes(int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    return order;
  }

  private List<List<Sample>> apply(Step step, List<List<Sample>> parts, long seed) {
    if (step instanceof MapStep map) {
      return mapAll(map, parts, seed);
    }
    if (step instanceof KeyedStep keyed) {
      return keyed(keyed, parts, seed);
    }
    if (step instanceof PlannedStep<?> planned) {
      return planned(planned, parts, seed);
    }
    throw new IllegalArgumentException(step.name() + ": the shuffled runner runs no "
        + step.getClass().getSimpleName());
  }

  private List<List<Sample>> mapAll(MapStep step, List<List<Sample>> parts, long seed) {
    List<List<Sample>> out = new ArrayList<>(Collections.nCopies(parts.size(), null));
    for (int p : shuffledIndexes(parts.size())) {
      out.set(p, map(step, step.name(), parts.get(p), p, seed));
    }
    return out;
  }

  private List<Sample> map(MapStep step, String name, List<Sample> rows, int partition,
      long seed) {
    StepContext context = new StepContext() {
      @Override
      public int partition() {
        return partition;
      }

      @Override
      public long seed() {
        return seed;
      }

      @Override
      public void drop(Sample sample, String reason, String detail) {
        drops.merge(name + ": " + reason, 1L, Long::sum);
        if (keepDropped || detail != null) {
          dropped.add(new Dropped(stage, name, reason, detail, sample));
        }
      }

      @Override
      public void repeated(Sample sample, int extra) {
        repeated += extra;
      }

      @Override
      public Path workFolder() {
        return folder.work();
      }
    };
    List<Sample> out = new ArrayList<>();
    step.apply(rows.iterator(), context).forEachRemaining(out::add);
    return out;
  }

  private record Emitted(RowId id, int order, byte[] value) {}

  private record Verdict(String reason, String detail, int copies) {}

  private record Line(RowId orderBy, byte[] text) {}

  /** Files of a step beside stats.json (a blend's manifest, a keyed step's lines). */
  private void writeFiles(Map<String, String> files) {
    files.forEach((name, text) -> {
      try {
        Files.writeString(folder.root().resolve(name), text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private List<List<Sample>> keyed(KeyedStep step, List<List<Sample>> parts, long seed) {
    Map<String, List<Emitted>> groups = new HashMap<>();
    Map<String, long[]> keys = new HashMap<>();
    Map<RowId, byte[]> firstValues = new HashMap<>();
    for (int p : shuffledIndexes(parts.size())) {
      for (Sample row : parts.get(p)) {
        int[] order = {0};
        step.emit(row, (high, low, value) -> {
          String key = high + "/" + low;
          keys.put(key, new long[] {high, low});
          groups.computeIfAbsent(key, k -> new ArrayList<>())
              .add(new Emitted(row.id(), order[0]++, value.clone()));
          firstValues.putIfAbsent(row.id(), value.clone());
        });
      }
    }
    Map<RowId, Verdict> verdicts = new HashMap<>();
    Map<RowId, RowId> parent = new HashMap<>();
    List<Line> lines = new ArrayList<>();
    List<String> order = new ArrayList<>(groups.keySet());
    Collections.sort(order);
    Collections.shuffle(order, random);
    for (String key : order) {
      List<Emitted> records = new ArrayList<>(groups.get(key));
      records.sort(Comparator.comparing(Emitted::id).thenComparingInt(Emitted::order));
      long[] k = keys.get(key);
      step.reduce(new KeyedStep.Group() {
        @Override
        public long keyHigh() {
          return k[0];
        }

        @Override
        public long keyLow() {
          return k[1];
        }

        @Override
        public int size() {
          return records.size();
        }

        @Override
        public RowId id(int i) {
          return records.get(i).id();
        }

        @Override
        public byte[] value(int i) {
          return records.get(i).value().clone();
        }
      }, new KeyedStep.Verdicts() {
        @Override
        public void drop(RowId id, String reason, String detail) {
          verdicts.merge(id, new Verdict(reason, detail, 1), ShuffledRunner::combine);
        }

        @Override
        public void copies(RowId id, int copies) {
          verdicts.merge(id, new Verdict(null, null, copies), ShuffledRunner::combine);
        }

        @Override
        public void link(RowId a, RowId b) {
          union(parent, a, b);
        }

        @Override
        public void count(String counter, long n) {}

        @Override
        public void line(RowId orderBy, String text) {
          lines.add(new Line(orderBy, text.getBytes(StandardCharsets.UTF_8)));
        }
      });
    }
    KeyedStep.Linking linking = step.linking();
    if (linking != null) {
      for (RowId row : new ArrayList<>(parent.keySet())) {
        RowId root = find(parent, row);
        if (!root.equals(row)) {
          verdicts.merge(row, new Verdict(linking.reason(), linking.detail(row,
              firstValues.get(row), root, firstValues.get(root)), 1), ShuffledRunner::combine);
        }
      }
    }
    if (step.linesFile() != null) {
      // As LocalRunner sorts them: by id, then text.
      lines.sort(Comparator.comparing(Line::orderBy)
          .thenComparing(Line::text, Arrays::compareUnsigned));
      StringBuilder text = new StringBuilder();
      lines.forEach(l -> text.append(new String(l.text(), StandardCharsets.UTF_8)).append('\n'));
      writeFiles(Map.of(step.linesFile(), text.toString()));
    }
    // As LocalRunner's join: a drop's detail only when the run keeps dropped rows.
    MapStep join = new VerdictJoin(step.name(), verdicts, keepDropped);
    return mapAll(join, parts, seed);
  }

  /** KeyedStep's rule: a drop beats a keep, the smallest (reason, detail), the most copies. */
  private static Verdict combine(Verdict a, Verdict b) {
    if (a.reason() == null && b.reason() == null) {
      return a.copies() >= b.copies() ? a : b;
    }
    if (a.reason() == null || b.reason() == null) {
      return a.reason() == null ? b : a;
    }
    Comparator<Verdict> smallest = Comparator.comparing(Verdict::reason)
        .thenComparing(Verdict::detail, Comparator.nullsFirst(Comparator.naturalOrder()));
    return smallest.compare(a, b) <= 0 ? a : b;
  }

  /** Union by smallest id: a component's root is its smallest row id. */
  private static void union(Map<RowId, RowId> parent, RowId a, RowId b) {
    RowId ra = find(parent, a);
    RowId rb = find(parent, b);
    if (ra.compareTo(rb) < 0) {
      parent.put(rb, ra);
    } else if (rb.compareTo(ra) < 0) {
      parent.put(ra, rb);
    }
  }

  private static RowId find(Map<RowId, RowId> parent, RowId id) {
    RowId at = id;
    parent.putIfAbsent(at, at);
    while (!parent.get(at).equals(at)) {
      at = parent.get(at);
    }
    return at;
  }

  /** Applies verdicts to rows by id: drops, and extra copies with derived ids. */
  private record VerdictJoin(String name, Map<RowId, Verdict> verdicts, boolean details)
      implements MapStep {
    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      List<Sample> out = new ArrayList<>();
      samples.forEachRemaining(s -> {
        Verdict v = verdicts.get(s.id());
        if (v != null && v.reason() != null) {
          context.drop(s, v.reason(), details ? v.detail() : null);
          return;
        }
        int copies = v == null ? 1 : v.copies();
        out.add(s);
        if (copies > 1) {
          context.repeated(s, copies - 1);
        }
        for (int k = 1; k < copies; k++) {
          out.add(s.withId(s.id().derive(k - 1)));
        }
      });
      return out.iterator();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<List<Sample>> planned(PlannedStep step, List<List<Sample>> parts, long seed) {
    PlannedStep.Summary total = step.zero();
    for (int p : shuffledIndexes(parts.size())) {
      total = (PlannedStep.Summary) total.plus(step.summarize(parts.get(p).iterator(), seed));
    }
    PlannedStep.Plan plan = step.plan(total, seed);
    // Refinement rounds see the rows cut into other partitions again, in another order.
    for (PlannedStep.Round round = plan.refine(); round != null; round = plan.refine()) {
      parts = cut(flatten(parts));
      PlannedStep.Summary sum = round.zero();
      for (int p : shuffledIndexes(parts.size())) {
        sum = (PlannedStep.Summary) sum.plus(round.summarize(parts.get(p).iterator()));
      }
      plan = round.plan(sum);
    }
    writeFiles(plan.files());
    MapStep applied = plan.step();
    List<List<Sample>> out = new ArrayList<>(Collections.nCopies(parts.size(), null));
    for (int p : shuffledIndexes(parts.size())) {
      out.set(p, map(applied, applied.name(), parts.get(p), p, seed));
    }
    return out;
  }

  /** Drops by step and reason as LocalRunner's stats count them. */
  static Map<String, Long> dropsOf(List<StepStats> steps) {
    Map<String, Long> all = new TreeMap<>();
    for (StepStats s : steps) {
      s.dropped().forEach((reason, n) -> {
        if (n > 0) {
          all.merge(s.name() + ": " + reason, n, Long::sum);
        }
      });
    }
    return all;
  }

  static Map<String, Long> nonZero(Map<String, Long> drops) {
    Map<String, Long> kept = new LinkedHashMap<>();
    drops.forEach((k, v) -> {
      if (v > 0) {
        kept.put(k, v);
      }
    });
    return kept;
  }
}
