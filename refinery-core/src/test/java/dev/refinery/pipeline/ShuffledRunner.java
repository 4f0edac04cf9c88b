package dev.refinery.pipeline;

import dev.refinery.dataset.SampleReader;
import dev.refinery.io.InputFile;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A runner that is deliberately unlike LocalRunner, to prove steps decide by row ids and content
 * only: it holds everything in memory, cuts the rows into partitions of random sizes again before
 * every stage, runs partitions in a shuffled order, gathers keyed records in a hash map and
 * reduces the groups in a random order, adds planned summaries in a random order, and finds
 * components with its own union-find. Whatever it does, a correct step gives LocalRunner's rows.
 * The final tokenize step (which writes files of its own) is not run.
 */
final class ShuffledRunner {

  /** Rows written in output order, and drops per step as "step: reason" to count. */
  record Result(List<Sample> rows, Map<String, Long> drops, long read, long rejected,
                long repeated) {}

  private final Random random;
  private final Map<String, Long> drops = new TreeMap<>();
  private long repeated;

  private ShuffledRunner(long shuffleSeed) {
    this.random = new Random(shuffleSeed);
  }

  static Result run(Pipeline pipeline, long shuffleSeed) {
    return new ShuffledRunner(shuffleSeed).execute(pipeline);
  }

  private Result execute(Pipeline pipeline) {
    PipelineSpec spec = pipeline.spec();
    InputFiles files = InputFiles.resolve(spec.input(), spec.source());
    List<InputFile> inputs = files.files();
    List<Sample> rows = new ArrayList<>();
    long read = 0;
    long rejected = 0;
    // Files read in reverse: the ids, not the reading order, must put rows in place.
    for (int f = inputs.size() - 1; f >= 0; f--) {
      List<Sample> own = new ArrayList<>();
      try (SampleReader reader = SampleReader.open(inputs.get(f), f, files.format(f), r -> { })) {
        reader.forEachRemaining(own::add);
        read += reader.read();
        rejected += reader.rejected();
      }
      rows.addAll(0, own);
    }
    List<List<Sample>> partitions = cut(rows);
    for (List<Step> segment : pipeline.segments()) {
      for (Step step : segment) {
        if (step instanceof TokenizeStep) {
          continue;
        }
        partitions = cut(flatten(apply(step, partitions, spec.seed())));
      }
    }
    return new Result(flatten(partitions), drops, read, rejected, repeated);
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
      }

      @Override
      public void repeated(Sample sample, int extra) {
        repeated += extra;
      }
    };
    List<Sample> out = new ArrayList<>();
    step.apply(rows.iterator(), context).forEachRemaining(out::add);
    return out;
  }

  private record Emitted(RowId id, int order, byte[] value) {}

  private record Verdict(String reason, String detail, int copies) {}

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
        public void line(RowId orderBy, String text) {}
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
    MapStep join = new VerdictJoin(step.name(), verdicts);
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
  private record VerdictJoin(String name, Map<RowId, Verdict> verdicts) implements MapStep {
    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      List<Sample> out = new ArrayList<>();
      samples.forEachRemaining(s -> {
        Verdict v = verdicts.get(s.id());
        if (v != null && v.reason() != null) {
          context.drop(s, v.reason(), v.detail());
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
    MapStep applied = plan.step();
    List<List<Sample>> out = new ArrayList<>(Collections.nCopies(parts.size(), null));
    for (int p : shuffledIndexes(parts.size())) {
      out.set(p, map(applied, step.name(), parts.get(p), p, seed));
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
