package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.Json;
import dev.refinery.mix.Interleave;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code interleave}: named sources interleaved as Hugging Face's {@code interleave_datasets}
 * does ({@link Interleave}: taking turns, or drawing each row's source with probabilities;
 * stopping when the first source or every source has run out). A planned step: the picks depend
 * only on each source's row count and the seed, and a source that is read through {@code k}
 * times and then partly gives its first {@code r} rows {@code k + 1} copies and the others
 * {@code k}; the rows not picked are dropped as {@value #NOT_PICKED}. Which rows are a source's
 * first {@code r} is found by id (rows of a source in id order are its rows in order) without
 * any per-row summary: row counts per file, then a histogram of positions in the one file where
 * the cut falls, then the ids of the one bucket where it falls. The {@linkplain #order order}
 * the sink writes them in replays the picks. The run folder gets {@value #MANIFEST}.
 */
final class InterleaveStep implements PlannedStep<InterleaveStep.Files> {
  private static final long serialVersionUID = 1L;

  static final String NOT_PICKED = "not_interleaved";
  static final String MANIFEST = "interleave_manifest.json";
  private static final int BUCKETS = BlendStep.BUCKETS;

  /**
   * @param probabilities one per source, or null to take turns
   * @param described per source what the manifest says of it besides the counts (path, ...)
   */
  record Config(SourceTable sources, double[] probabilities, Interleave.Stopping stopping,
                List<Map<String, Object>> described) implements java.io.Serializable {}

  private final Config config;

  InterleaveStep(Config config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "interleave";
  }

  private int sourceCount() {
    return config.sources().names().size();
  }

  // Round 0: rows and the largest position per input file.

  /** Rows and the largest row position of each input file, by file index. */
  static final class Files implements PlannedStep.Summary<Files> {
    private static final long serialVersionUID = 1L;
    final TreeMap<Integer, long[]> files = new TreeMap<>();

    void add(RowId id) {
      long[] f = files.computeIfAbsent(id.file(), k -> new long[2]);
      f[0]++;
      f[1] = Math.max(f[1], id.position());
    }

    @Override
    public Files plus(Files o) {
      Files sum = new Files();
      files.forEach((k, v) -> sum.files.put(k, v.clone()));
      o.files.forEach((k, v) -> sum.files.merge(k, v.clone(),
          (a, b) -> new long[] {a[0] + b[0], Math.max(a[1], b[1])}));
      return sum;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Files f) || !files.keySet().equals(f.files.keySet())) {
        return false;
      }
      return files.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(),
          f.files.get(e.getKey())));
    }

    @Override
    public int hashCode() {
      return files.keySet().hashCode();
    }
  }

  @Override
  public Files zero() {
    return new Files();
  }

  @Override
  public Files summarize(Iterator<Sample> rows, long seed) {
    Files files = zero();
    rows.forEachRemaining(s -> files.add(s.id()));
    return files;
  }

  /**
   * Where a source's extra copy ends: rows of files before {@code file} take it, and of that
   * file those of buckets below {@code bucket} and, of that bucket, ids up to {@code last}.
   */
  record Cut(int file, long maxPosition, int bucket, RowId last)
      implements java.io.Serializable {
    static final Cut NONE = new Cut(-1, 0, 0, null);

    boolean takes(RowId id) {
      if (id.file() != file) {
        return id.file() < file;
      }
      int b = bucketOf(id.position(), maxPosition);
      return b < bucket || (b == bucket && last != null && id.compareTo(last) <= 0);
    }
  }

  static int bucketOf(long position, long maxPosition) {
    // Positions are below 2^40, so the product fits a long.
    return (int) (position * BUCKETS / (maxPosition + 1));
  }

  @Override
  public PlannedStep.Plan plan(Files total, long seed) {
    int n = sourceCount();
    long[] lengths = new long[n];
    total.files.forEach((file, f) -> lengths[config.sources().indexOf(RowId.of(file, 0))] += f[0]);
    long[] taken = new long[n];
    Iterator<Interleave.Pick> picks = Interleave.order(config.sources().names(), lengths,
        config.probabilities(), seed, config.stopping());
    while (picks.hasNext()) {
      taken[picks.next().source()]++;
    }
    Cut[] cuts = new Cut[n];
    long[] needs = new long[n];
    boolean refine = false;
    for (int s = 0; s < n; s++) {
      long need = taken[s] % lengths[s];
      cuts[s] = Cut.NONE;
      if (need == 0) {
        continue;
      }
      // The first file of the source where the rows so far reach the need.
      for (Map.Entry<Integer, long[]> e : total.files.entrySet()) {
        if (config.sources().indexOf(RowId.of(e.getKey(), 0)) != s) {
          continue;
        }
        long rows = e.getValue()[0];
        if (need <= rows) {
          cuts[s] = new Cut(e.getKey(), e.getValue()[1], need == rows ? BUCKETS : -1, null);
          needs[s] = need == rows ? 0 : need;
          refine |= need < rows;
          break;
        }
        need -= rows;
      }
    }
    Planning planning = new Planning(this, seed, lengths, taken, cuts, needs);
    return refine ? planning.pending() : planning.plan();
  }

  /**
   * The plan from the totals, and the rounds that find where each source's extra copy ends:
   * a histogram of positions in the file where it ends, then the ids of the bucket.
   */
  private record Planning(InterleaveStep step, long seed, long[] lengths, long[] taken,
                          Cut[] cuts, long[] needs) implements java.io.Serializable {
    PlannedStep.Plan pending() {
      return new Pending(new Positions(this));
    }

    PlannedStep.Plan plan() {
      return step.finalPlan(seed, lengths, taken, cuts);
    }
  }

  /** A plan that needs another round before it is final. */
  private record Pending(PlannedStep.Round<?> round) implements PlannedStep.Plan {
    @Override
    public MapStep step() {
      throw new IllegalStateException("the interleave's plan is not final before its rounds");
    }

    @Override
    public PlannedStep.Round<?> refine() {
      return round;
    }
  }

  /** The sources whose cut is still open, as an index of the source by row. */
  private static Integer open(Planning p, RowId id, SourceTable sources) {
    int s = sources.indexOf(id);
    Cut c = p.cuts()[s];
    return p.needs()[s] > 0 && c.file() == id.file() ? s : null;
  }

  /** Round 1: per open source, a histogram of the positions of its rows in the cut's file. */
  private record Positions(Planning planning) implements PlannedStep.Round<Histograms> {
    @Override
    public Histograms zero() {
      return new Histograms(planning.cuts().length);
    }

    @Override
    public Histograms summarize(Iterator<Sample> rows) {
      Histograms h = zero();
      SourceTable sources = planning.step().config.sources();
      while (rows.hasNext()) {
        RowId id = rows.next().id();
        Integer s = open(planning, id, sources);
        if (s != null) {
          h.add(s, bucketOf(id.position(), planning.cuts()[s].maxPosition()));
        }
      }
      return h;
    }

    @Override
    public PlannedStep.Plan plan(Histograms total) {
      Cut[] cuts = planning.cuts().clone();
      long[] needs = planning.needs().clone();
      boolean refine = false;
      for (int s = 0; s < cuts.length; s++) {
        if (needs[s] == 0) {
          continue;
        }
        BlendStep.Histogram h = total.histograms[s];
        int b = 0;
        while (h.rows(b) < needs[s]) {
          needs[s] -= h.rows(b);
          b++;
        }
        boolean whole = needs[s] == h.rows(b);
        cuts[s] = new Cut(cuts[s].file(), cuts[s].maxPosition(), whole ? b + 1 : b, null);
        needs[s] = whole ? 0 : needs[s];
        refine |= !whole;
      }
      Planning next = new Planning(planning.step(), planning.seed(), planning.lengths(),
          planning.taken(), cuts, needs);
      return refine ? new Pending(new Edges(next)) : next.plan();
    }
  }

  /** Per source a histogram of positions (rows per bucket). */
  static final class Histograms implements PlannedStep.Summary<Histograms> {
    private static final long serialVersionUID = 1L;
    final BlendStep.Histogram[] histograms;

    Histograms(int n) {
      histograms = new BlendStep.Histogram[n];
      for (int s = 0; s < n; s++) {
        histograms[s] = new BlendStep.Histogram(false);
      }
    }

    void add(int s, int bucket) {
      histograms[s].add(bucket, 0);
    }

    @Override
    public Histograms plus(Histograms o) {
      Histograms sum = new Histograms(histograms.length);
      for (int s = 0; s < histograms.length; s++) {
        sum.histograms[s] = histograms[s].plus(o.histograms[s]);
      }
      return sum;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Histograms h && Arrays.equals(histograms, h.histograms);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(histograms);
    }
  }

  /** Round 2: per open source, the smallest ids of the bucket where its cut ends. */
  private record Edges(Planning planning) implements PlannedStep.Round<Ids> {
    @Override
    public Ids zero() {
      return new Ids(planning.needs());
    }

    @Override
    public Ids summarize(Iterator<Sample> rows) {
      Ids ids = zero();
      SourceTable sources = planning.step().config.sources();
      while (rows.hasNext()) {
        RowId id = rows.next().id();
        Integer s = open(planning, id, sources);
        if (s != null && bucketOf(id.position(), planning.cuts()[s].maxPosition())
            == planning.cuts()[s].bucket()) {
          ids.lists.get(s).add(id);
        }
      }
      ids.trim();
      return ids;
    }

    @Override
    public PlannedStep.Plan plan(Ids total) {
      Cut[] cuts = planning.cuts().clone();
      for (int s = 0; s < cuts.length; s++) {
        if (planning.needs()[s] > 0) {
          List<RowId> list = total.lists.get(s);
          cuts[s] = new Cut(cuts[s].file(), cuts[s].maxPosition(), cuts[s].bucket(),
              list.get(list.size() - 1));
        }
      }
      return planning.step().finalPlan(planning.seed(), planning.lengths(), planning.taken(),
          cuts);
    }
  }

  /** Per source its smallest {@code need} ids seen in the cut's bucket. */
  static final class Ids implements PlannedStep.Summary<Ids> {
    private static final long serialVersionUID = 1L;
    final long[] needs;
    final List<List<RowId>> lists = new ArrayList<>();

    Ids(long[] needs) {
      this.needs = needs;
      for (long ignored : needs) {
        lists.add(new ArrayList<>());
      }
    }

    void trim() {
      for (int s = 0; s < needs.length; s++) {
        List<RowId> list = lists.get(s);
        Collections.sort(list);
        if (list.size() > needs[s]) {
          list.subList((int) needs[s], list.size()).clear();
        }
      }
    }

    @Override
    public Ids plus(Ids o) {
      Ids sum = new Ids(needs);
      for (int s = 0; s < needs.length; s++) {
        sum.lists.get(s).addAll(lists.get(s));
        sum.lists.get(s).addAll(o.lists.get(s));
      }
      sum.trim();
      return sum;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ids i && lists.equals(i.lists);
    }

    @Override
    public int hashCode() {
      return lists.hashCode();
    }
  }

  private PlannedStep.Plan finalPlan(long seed, long[] lengths, long[] taken, Cut[] cuts) {
    long[] epochs = new long[lengths.length];
    for (int s = 0; s < lengths.length; s++) {
      epochs[s] = taken[s] / lengths[s];
      long most = epochs[s] + (taken[s] % lengths[s] == 0 ? 0 : 1);
      // Each copy of a row gets an id of its own, derived from the row's.
      if (most > RowId.MAX_COMPONENT + 1L) {
        throw new RefineryException("source '" + config.sources().names().get(s) + "' would be "
            + "read through " + most + " times; at most " + (RowId.MAX_COMPONENT + 1) + " are "
            + "supported (use first_exhausted, or fewer rows from the longer sources)");
      }
    }
    Apply apply = new Apply(config.sources(), epochs, cuts);
    long written = Arrays.stream(taken).sum();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("stopping_strategy", config.stopping().name().toLowerCase(Locale.ROOT));
    report.put("written", written);
    report.put("manifest", MANIFEST);
    return new Final(apply, report, Json.write(manifest(seed, lengths, taken)) + "\n");
  }

  private Map<String, Object> manifest(long seed, long[] lengths, long[] taken) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stopping_strategy", config.stopping().name().toLowerCase(Locale.ROOT));
    m.put("seed", seed);
    m.put("written", Arrays.stream(taken).sum());
    List<Object> list = new ArrayList<>();
    for (int s = 0; s < lengths.length; s++) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", config.sources().names().get(s));
      e.putAll(config.described().get(s));
      e.put("probability", config.probabilities() == null ? null : config.probabilities()[s]);
      e.put("available_samples", lengths[s]);
      e.put("taken", taken[s]);
      e.put("passes", (taken[s] + lengths[s] - 1) / lengths[s]);
      e.put("exhausted", taken[s] >= lengths[s]);
      list.add(e);
    }
    m.put("sources", list);
    return m;
  }

  private record Final(Apply step, Map<String, Object> report, String manifest)
      implements PlannedStep.Plan {
    @Override
    public Map<String, String> files() {
      return Map.of(MANIFEST, manifest);
    }
  }

  /** Passes each row on its source's whole passes, plus one when the cut takes it. */
  record Apply(SourceTable sources, long[] epochs, Cut[] cuts) implements MapStep {
    @Override
    public String name() {
      return "interleave";
    }

    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      return new Copies(samples, context) {
        @Override
        protected int copies(Sample s) {
          int g = sources.indexOf(s.id());
          int copies = (int) (epochs[g] + (cuts[g].takes(s.id()) ? 1 : 0));
          if (copies == 0) {
            context.drop(s, NOT_PICKED);
          }
          return copies;
        }
      };
    }
  }

  /** The order the sink writes the passed-on rows in: the picks replayed. */
  MixtureSink.Order order() {
    return new PickOrder(config);
  }

  /**
   * Replays the picks: counts each source's rows (a row's extra copies, adjacent to it, aside),
   * then for every pick reads the next row of its source, a source read again from its first row
   * when it runs out.
   */
  private record PickOrder(Config config) implements MixtureSink.Order {
    @Override
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", "interleave");
      m.put("stopping", config.stopping().name());
      m.put("probabilities", config.probabilities() == null ? null
          : Arrays.stream(config.probabilities()).boxed().toList());
      return m;
    }

    @Override
    public void write(SinkInput in, Consumer<Sample> out) {
      int n = config.sources().names().size();
      // One pass in partition order: a row's copies may run on into the next partitions.
      long[][] counts = new long[in.partitions()][];
      Originals originals = new Originals();
      for (int p = 0; p < in.partitions(); p++) {
        long[] c = new long[n];
        try (SampleReader reader = in.open(p)) {
          Iterator<Sample> rows = originals.of(in.checked(reader));
          while (rows.hasNext()) {
            c[config.sources().indexOf(rows.next().id())]++;
          }
        }
        counts[p] = c;
      }
      long[] lengths = new long[n];
      for (long[] c : counts) {
        for (int s = 0; s < n; s++) {
          lengths[s] += c[s];
        }
      }
      Cursor[] cursors = new Cursor[n];
      long written = 0;
      try {
        Iterator<Interleave.Pick> picks = Interleave.order(config.sources().names(), lengths,
            config.probabilities(), in.seed(), config.stopping());
        while (picks.hasNext()) {
          Interleave.Pick pick = picks.next();
          int s = pick.source();
          if (cursors[s] == null || pick.row() == 0) {
            if (cursors[s] != null) {
              cursors[s].close();
            }
            cursors[s] = new Cursor(in, counts, s, config.sources());
          }
          out.accept(cursors[s].next());
          written++;
        }
      } finally {
        for (Cursor c : cursors) {
          if (c != null) {
            c.close();
          }
        }
      }
      if (written != in.total()) {
        throw new IllegalStateException("the interleave picked " + written + " rows; its step "
            + "passed on " + in.total());
      }
    }
  }

  /**
   * Rows without the extra copies a {@link Copies} step put right after each: a row one level
   * below the last original, with its id as prefix. Kept across partitions, as a runner may cut
   * a row from its copies.
   */
  private static final class Originals {
    private RowId last;

    Iterator<Sample> of(Iterator<Sample> rows) {
      return new Admitting(rows, s -> {
        if (last != null && isCopyOf(s.id(), last)) {
          return null;
        }
        last = s.id();
        return s;
      });
    }

    private static boolean isCopyOf(RowId id, RowId original) {
      int depth = original.depth();
      if (id.source() != original.source() || depth >= RowId.MAX_DEPTH
          || id.depth() != depth + 1) {
        return false;
      }
      // The levels above the copy's own are the original's.
      long above = depth == 0 ? 0 : -1L << (64 - 16 * depth);
      return (id.derivation() & above) == original.derivation();
    }
  }

  /** One source's rows in order, read from the partitions that hold any. */
  private static final class Cursor implements AutoCloseable {
    private final SinkInput in;
    private final long[][] counts;
    private final int source;
    private final SourceTable sources;
    private int partition = -1;
    private SampleReader reader;
    private Iterator<Sample> rows;
    private final Originals originals = new Originals();

    Cursor(SinkInput in, long[][] counts, int source, SourceTable sources) {
      this.in = in;
      this.counts = counts;
      this.source = source;
      this.sources = sources;
    }

    Sample next() {
      while (true) {
        while (rows != null && rows.hasNext()) {
          Sample s = rows.next();
          if (sources.indexOf(s.id()) == source) {
            return s;
          }
        }
        close();
        do {
          partition++;
        } while (partition < counts.length && counts[partition][source] == 0);
        if (partition >= counts.length) {
          throw new RefineryException("source '" + sources.names().get(source) + "' has fewer "
              + "rows than the interleave counted");
        }
        reader = in.open(partition);
        rows = originals.of(in.checked(reader));
      }
    }

    @Override
    public void close() {
      if (reader != null) {
        reader.close();
        reader = null;
        rows = null;
      }
    }
  }
}
