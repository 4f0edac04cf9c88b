package dev.refinery.run;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.internal.SpillMerger;
import dev.refinery.internal.SpillSorter;
import dev.refinery.io.AtomicFile;
import dev.refinery.pipeline.Copies;
import dev.refinery.pipeline.KeyedStep;
import dev.refinery.pipeline.MapStep;
import dev.refinery.pipeline.Sink;
import dev.refinery.pipeline.Step;
import dev.refinery.pipeline.StepContext;
import dev.refinery.pipeline.StepStats;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LocalRunner's data movement for a {@link KeyedStep}, in three phases over files under the
 * stage's work folder {@code .work/k<stage>/}:
 *
 * <ol>
 *   <li><b>emit</b> (partitions in parallel): every row's records {@code (key, row id, value)}
 *       go to a {@link SpillSorter} ordered by (key, id), spilled as sorted runs {@code
 *       emit-<partition>-<n>.run}; a marker {@code emit-<partition>.done.json} lists them and
 *       where each of {@value #REDUCE_RANGES} key ranges begins in them, so a resumed run skips
 *       finished partitions.
 *   <li><b>reduce</b> (key ranges in parallel): for each key range, a k-way merge of its slices
 *       of every run brings each key's records together in id order (a row's records in the
 *       order it emitted them: runs merge in partition order, ties in run order); the step's
 *       reduce turns each group into verdicts, sorted by row id in a spilling sorter per range;
 *       the verdicts on one row are combined (a drop beats a keep, the smallest (reason, detail)
 *       among drops, the most copies) into {@code verdicts.bin}, with
 *       a sparse index of every {@value #INDEX_EVERY}th row in memory. Lines for the step's
 *       {@link KeyedStep#linesFile} are sorted by their id (then text) and written to the run
 *       folder. A step with a {@link KeyedStep.Linking} links rows instead: the links go to
 *       {@link Components}, and {@link LinkedDrops} turns every linked row but its component's
 *       smallest into a drop verdict, combined with the others (phase {@code components}).
 *   <li><b>apply</b> (each partition of the next stage): a forward cursor over {@code
 *       verdicts.bin}, sought through the index to the partition's first row, joins verdicts onto
 *       rows in id order.
 * </ol>
 *
 * <p>Memory: the emit sorters of the partitions being processed share the run's sort memory
 * (each gets its share of it by the number of workers); the verdict and line sorters of the
 * ranges being reduced a quarter each; plus per range being reduced one key's group and a 64 KB
 * buffer per run while merging, at most {@value #MERGE_FAN_IN} runs at once (more are first
 * merged in passes into {@code merged-r<range>-*.run}).
 */
public final class KeyedStage {
  static final int INDEX_EVERY = 1024;
  /**
   * Key ranges a stage's groups are reduced in, each on its own (spread over the workers): a
   * fixed number, so a resumed run with another number of workers cuts keys as the first did.
   */
  static final int REDUCE_RANGES = 16;
  /** Runs merged at once: a 64 KB read buffer each. */
  public static final int MERGE_FAN_IN = 128;
  private static final byte DROP = 0;
  private static final byte COPIES = 1;

  private KeyedStage() {}

  static StageDecision decide(KeyedStep step, StageInput in) {
    Path dir = in.folder().keyed(in.stage());
    long budget = in.sortMemory();
    long started = System.nanoTime();
    List<Emitted> emitted = emit(step, in, dir, Math.max(1, budget / in.workers()));
    long emittedAt = System.nanoTime();
    Components links = step.linking() == null ? null : new Components(dir, "links");
    Reduced reduced = reduce(step, in, dir, emitted, Math.max(1, budget / 4), links);
    List<Path> verdictRuns = new ArrayList<>(reduced.verdictRuns());
    Components.Result components = null;
    long linking = 0;
    if (links != null) {
      // The drops of the components' non-smallest rows join the reduce's own verdicts.
      long linkStarted = System.nanoTime();
      components = links.finish();
      verdictRuns.addAll(LinkedDrops.verdictRuns(step, components, in, dir, budget));
      verdictRuns = SpillMerger.narrow(verdictRuns, MERGE_FAN_IN, dir, "verdicts-linked", false);
      linking = System.nanoTime() - linkStarted;
    }
    Tally tally = Tally.of(emitted);
    VerdictFile verdicts = VerdictFile.write(dir.resolve("verdicts.bin"), verdictRuns,
        in.stops(), tally);
    if (step.linesFile() != null) {
      writeLines(in.folder().root().resolve(step.linesFile()), reduced.lineRuns());
    }
    long reducedAt = System.nanoTime();
    long rows = 0;
    long without = 0;
    for (Emitted e : emitted) {
      rows += e.rows();
      without += e.withoutRecords();
    }
    KeyedStep.Figures figures = new KeyedStep.Figures(rows, without, reduced.keys(),
        verdicts.dropped(), reduced.counters(), components);
    Map<String, Object> report = new LinkedHashMap<>(step.report(figures));
    Map<String, Object> seconds = new LinkedHashMap<>();
    seconds.put("emit", seconds(emittedAt - started));
    seconds.put("reduce", seconds(reducedAt - emittedAt - linking));
    if (links != null) {
      seconds.put("components", seconds(linking));
    }
    report.put("seconds", seconds);
    in.note().accept("stage " + in.stage() + ": " + step.name() + " grouped " + rows + " rows by "
        + reduced.keys() + " keys, " + verdicts.dropped() + " dropped");
    boolean details = in.keepDropped();
    return new StageDecision() {
      @Override
      public Part open(int partition) {
        VerdictFile.Cursor cursor = verdicts.cursor(details);
        return new Part(new Join(step.name(), cursor, details), cursor::close, id -> {
          Verdict v = cursor.find(id);
          return v != null && v.dropped();
        });
      }

      @Override
      public StepStats counted(int partition, long rows) {
        return tally == null ? null : tally.stats(step.name(), partition, rows);
      }

      @Override
      public Map<String, Object> report() {
        return report;
      }
    };
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }

  /** Row id derivations compare unsigned: flipped, they sort as the sorters' signed longs. */
  private static long flip(long derivation) {
    return derivation ^ Long.MIN_VALUE;
  }

  // ---- emit ----

  /**
   * One partition's emit phase: its counts, sorted runs (file names in the stage folder), and its
   * first and last row ids (null without rows, or in a marker of an older run), which tell whose
   * rows a verdict is on without reading them.
   */
  record Emitted(long rows, long withoutRecords, long records, List<String> runs, RowId first,
                 RowId last, List<long[]> rangeStarts) {
    String toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("rows_without_records", withoutRecords);
      m.put("records", records);
      m.put("runs", runs);
      List<List<Long>> starts = new ArrayList<>();
      for (long[] s : rangeStarts) {
        starts.add(Arrays.stream(s).boxed().toList());
      }
      m.put("range_starts", starts);
      if (first != null) {
        m.put("first", List.of(first.source(), first.derivation()));
        m.put("last", List.of(last.source(), last.derivation()));
      }
      return Json.write(m);
    }

    static Emitted fromJson(String text) throws IOException {
      Map<?, ?> m = (Map<?, ?>) Json.parse(text);
      List<String> runs = new ArrayList<>();
      ((List<?>) m.get("runs")).forEach(r -> runs.add((String) r));
      List<long[]> starts = new ArrayList<>();
      ((List<?>) m.get("range_starts")).forEach(r -> starts.add(((List<?>) r).stream()
          .mapToLong(x -> ((Number) x).longValue()).toArray()));
      if (starts.size() != runs.size()) {
        throw new IOException("range_starts do not match runs");
      }
      return new Emitted(((Number) m.get("rows")).longValue(),
          ((Number) m.get("rows_without_records")).longValue(),
          ((Number) m.get("records")).longValue(), runs, id(m.get("first")),
          id(m.get("last")), starts);
    }

    private static RowId id(Object pair) {
      if (!(pair instanceof List<?> l) || l.size() != 2) {
        return null;
      }
      return new RowId(((Number) l.get(0)).longValue(), ((Number) l.get(1)).longValue());
    }
  }

  static Path emitMarker(Path dir, int partition) {
    return dir.resolve(String.format("emit-%05d.done.json", partition));
  }

  private static List<Emitted> emit(KeyedStep step, StageInput in, Path dir, long budget) {
    List<Emitted> emitted = new ArrayList<>();
    InOrder.run(InOrder.indexes(in.partitions()), in.workers(),
        in.stops().tracked((i, p) -> emitPartition(step, in, dir, p, budget)), emitted::add);
    in.note().accept("stage " + in.stage() + ": " + step.name() + " emitted " + in.partitions()
        + " partitions");
    return emitted;
  }

  private static Emitted emitPartition(KeyedStep step, StageInput in, Path dir, int p,
      long budget) {
    // A marker of this run (the stage before emitted as it wrote the partition) or, on
    // --resume, of the run it goes on with: a run folder holds no other.
    Emitted done = finishedEmit(dir, p);
    if (done != null) {
      return done;
    }
    Emitter emitter = new Emitter(step, dir, p, budget);
    try (SampleReader reader = in.read().apply(p)) {
      Iterator<Sample> samples = in.stops().checked(reader);
      while (samples.hasNext()) {
        emitter.accept(samples.next());
      }
    }
    in.stops().checkpoint();
    return emitter.finish();
  }

  private static Emitted finishedEmit(Path dir, int p) {
    Path marker = emitMarker(dir, p);
    if (Files.exists(marker)) {
      try {
        return Emitted.fromJson(Files.readString(marker));
      } catch (IOException | RuntimeException e) {
        // An unreadable marker: the partition is emitted again.
      }
    }
    return null;
  }

  /**
   * An emitter for partition {@code p} of the keyed step opening stage {@code stage}, fed the
   * rows of that partition as the stage before writes them, so the keyed stage need not read
   * them again; its share of the memory budget as {@link #emit} gives it.
   */
  static Emitter emitter(KeyedStep step, RunFolder folder, int stage, int p, int workers,
      long sortMemory) {
    return new Emitter(step, folder.keyed(stage), p, Math.max(1, sortMemory / workers));
  }

  /** One partition's emit phase, row by row in id order; {@link #finish} marks it done. */
  static final class Emitter {
    private final KeyedStep step;
    private final Path dir;
    private final int partition;
    private final SpillSorter sorter;
    private RowId first;
    private RowId previous;
    private long rows;
    private long without;

    Emitter(KeyedStep step, Path dir, int partition, long budget) {
      this.step = step;
      this.dir = dir;
      this.partition = partition;
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // Runs of an interrupted try are overwritten by name; the marker lists only this try's.
      this.sorter = new SpillSorter(dir, String.format("emit-%05d", partition), budget, false,
          REDUCE_RANGES);
    }

    void accept(Sample s) {
      RowId id = ascending(step, partition, previous, s);
      if (first == null) {
        first = id;
      }
      previous = id;
      long source = id.source();
      long derivation = flip(id.derivation());
      long before = sorter.added();
      step.emit(s, (high, low, value) -> sorter.add(high, low, source, derivation,
          value == null ? new byte[0] : value));
      rows++;
      if (sorter.added() == before) {
        without++;
      }
    }

    /** Spills what is left and writes the partition's marker. */
    Emitted finish() {
      List<String> runs = sorter.finish().stream().map(f -> f.getFileName().toString())
          .toList();
      Emitted done = new Emitted(rows, without, sorter.added(), runs, first, previous,
          sorter.rangeStarts());
      AtomicFile.writeString(emitMarker(dir, partition), done.toJson());
      return done;
    }
  }

  /** The row's id, checked to come after the previous row's in its partition. */
  static RowId ascending(Step step, int partition, RowId previous, Sample s) {
    RowId id = s.id();
    if (id == null) {
      throw new IllegalStateException(step.name() + ": a row of partition " + partition
          + " has no row id (uuid " + s.uuid() + "); keyed steps need ids on every row");
    }
    if (previous != null && previous.compareTo(id) >= 0) {
      throw new IllegalStateException(step.name() + ": partition " + partition + " has row "
          + id + " after row " + previous + "; rows must come in increasing id order");
    }
    return id;
  }

  // ---- reduce ----

  record Reduced(long keys, Map<String, Long> counters, List<Path> verdictRuns,
                 List<Path> lineRuns) {
    static final Reduced NONE = new Reduced(0, Map.of(), List.of(), List.of());

    /** Both ranges' figures, and their runs, these first. */
    Reduced plus(Reduced other) {
      Map<String, Long> sums = new TreeMap<>(counters);
      other.counters.forEach((k, v) -> sums.merge(k, v, Long::sum));
      List<Path> verdicts = new ArrayList<>(verdictRuns);
      verdicts.addAll(other.verdictRuns);
      List<Path> lines = new ArrayList<>(lineRuns);
      lines.addAll(other.lineRuns);
      return new Reduced(keys + other.keys, sums, verdicts, lines);
    }
  }

  /**
   * Reduces every key's group, the keys cut in {@link #REDUCE_RANGES} ranges reduced side by side
   * on the workers (each range's slices of every run merged on their own), their figures and
   * sorted runs combined in range order: the verdicts and lines are sorted by row id after, so
   * which thread reduced a group changes nothing.
   */
  private static Reduced reduce(KeyedStep step, StageInput in, Path dir, List<Emitted> emitted,
      long budget, Components links) {
    List<List<SpillMerger.Slice>> slices = new ArrayList<>();
    for (int r = 0; r < REDUCE_RANGES; r++) {
      slices.add(new ArrayList<>());
    }
    for (Emitted e : emitted) {
      for (int i = 0; i < e.runs().size(); i++) {
        Path run = dir.resolve(e.runs().get(i));
        long[] starts = e.rangeStarts().get(i);
        for (int r = 0; r < REDUCE_RANGES; r++) {
          if (starts[r + 1] > starts[r]) {
            slices.get(r).add(new SpillMerger.Slice(run, starts[r], starts[r + 1]));
          }
        }
      }
    }
    // Each range's sorters get their share of the budget, as the workers reduce at once.
    long share = Math.max(1, budget / in.workers());
    Reduced[] total = {Reduced.NONE};
    InOrder.run(InOrder.indexes(REDUCE_RANGES), in.workers(), in.stops().tracked(
        (i, r) -> reduceRange(step, in, dir, r, slices.get(r), share, links)),
        reduced -> total[0] = total[0].plus(reduced));
    in.stops().checkpoint();
    Reduced all = total[0];
    return new Reduced(all.keys(), all.counters(),
        SpillMerger.narrow(all.verdictRuns(), MERGE_FAN_IN, dir, "verdicts-merged", false),
        SpillMerger.narrow(all.lineRuns(), MERGE_FAN_IN, dir, "lines-merged", true));
  }

  /** The groups of keys in range {@code r}, from its slices of every run. */
  private static Reduced reduceRange(KeyedStep step, StageInput in, Path dir, int r,
      List<SpillMerger.Slice> slices, long budget, Components links) {
    String range = String.format("r%02d", r);
    List<SpillMerger.Slice> runs = SpillMerger.narrowSlices(slices, MERGE_FAN_IN, dir,
        "merged-" + range, false);
    in.stops().checkpoint();
    SpillSorter verdicts = new SpillSorter(dir, "verdicts-" + range, budget, false);
    SpillSorter lines = step.linesFile() == null ? null
        : new SpillSorter(dir, "lines-" + range, budget, true);
    Map<String, Long> counters = new TreeMap<>();
    GroupBuffer group = new GroupBuffer();
    Sink sink = new Sink(step, group, verdicts, lines, counters, links);
    long keys = 0;
    try (SpillMerger merger = SpillMerger.ofSlices(runs, false)) {
      SpillMerger.Record rec = new SpillMerger.Record();
      boolean more = merger.next(rec);
      while (more) {
        long high = rec.longs[0];
        long low = rec.longs[1];
        group.reset(high, low);
        do {
          group.add(rec.longs[2], flip(rec.longs[3]), rec.value);
          more = merger.next(rec);
        } while (more && rec.longs[0] == high && rec.longs[1] == low);
        keys++;
        step.reduce(group, sink);
        if ((keys & 1023) == 0) {
          in.stops().checkpoint();
        }
      }
    }
    return new Reduced(keys, counters, verdicts.finish(),
        lines == null ? List.of() : lines.finish());
  }

  /** One key's records, reused from group to group. */
  static final class GroupBuffer implements KeyedStep.Group {
    private long high;
    private long low;
    private long[] sources = new long[16];
    private long[] derivations = new long[16];
    private byte[][] values = new byte[16][];
    private RowId[] ids = new RowId[16];
    private int size;

    void reset(long high, long low) {
      this.high = high;
      this.low = low;
      Arrays.fill(values, 0, size, null);
      Arrays.fill(ids, 0, size, null);
      size = 0;
    }

    void add(long source, long derivation, byte[] value) {
      if (size == sources.length) {
        int n = size * 2;
        sources = Arrays.copyOf(sources, n);
        derivations = Arrays.copyOf(derivations, n);
        values = Arrays.copyOf(values, n);
        ids = Arrays.copyOf(ids, n);
      }
      sources[size] = source;
      derivations[size] = derivation;
      values[size] = value;
      size++;
    }

    @Override
    public long keyHigh() {
      return high;
    }

    @Override
    public long keyLow() {
      return low;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public RowId id(int i) {
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException(i);
      }
      RowId id = ids[i];
      if (id == null) {
        id = new RowId(sources[i], derivations[i]);
        ids[i] = id;
      }
      return id;
    }

    @Override
    public byte[] value(int i) {
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException(i);
      }
      return values[i];
    }

    /** Whether a row of this id has a record in the group (ids ascend). */
    boolean contains(RowId id) {
      int lo = 0;
      int hi = size - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = Long.compare(sources[mid], id.source());
        if (c == 0) {
          c = Long.compareUnsigned(derivations[mid], id.derivation());
        }
        if (c == 0) {
          return true;
        }
        if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return false;
    }
  }

  /** Where a reduce's verdicts go: checked against its group, then into the sorters. */
  private static final class Sink implements KeyedStep.Verdicts {
    private final KeyedStep step;
    private final GroupBuffer group;
    private final SpillSorter verdicts;
    private final SpillSorter lines;
    private final Map<String, Long> counters;
    private final Components links;

    Sink(KeyedStep step, GroupBuffer group, SpillSorter verdicts, SpillSorter lines,
        Map<String, Long> counters, Components links) {
      this.step = step;
      this.group = group;
      this.verdicts = verdicts;
      this.lines = lines;
      this.counters = counters;
      this.links = links;
    }

    private void member(RowId id) {
      if (id == null || !group.contains(id)) {
        throw new IllegalStateException(step.name() + ": reduce gave a verdict on row " + id
            + ", which is not in its group");
      }
    }

    @Override
    public void drop(RowId id, String reason, String detail) {
      member(id);
      if (reason == null || reason.isEmpty()) {
        throw new IllegalStateException(step.name() + ": a drop of row " + id
            + " without a reason");
      }
      verdicts.add(id.source(), flip(id.derivation()), 0, 0, Verdict.drop(reason, detail)
          .bytes());
    }

    @Override
    public void copies(RowId id, int copies) {
      member(id);
      if (copies < 1) {
        throw new IllegalStateException(step.name() + ": " + copies + " copies of row " + id);
      }
      verdicts.add(id.source(), flip(id.derivation()), 0, 0, new Verdict(null, null, copies)
          .bytes());
    }

    @Override
    public void link(RowId a, RowId b) {
      if (links == null) {
        throw new IllegalStateException(step.name() + ": links without a linking()");
      }
      member(a);
      member(b);
      links.link(a, b);
    }

    @Override
    public void count(String counter, long n) {
      counters.merge(counter, n, Long::sum);
    }

    @Override
    public void line(RowId orderBy, String text) {
      if (lines == null) {
        throw new IllegalStateException(step.name() + ": a line without a linesFile()");
      }
      lines.add(orderBy.source(), flip(orderBy.derivation()), 0, 0,
          text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Writes the sorted lines, one per line, atomically. */
  private static void writeLines(Path target, List<Path> runs) {
    try {
      AtomicFile file = new AtomicFile(target);
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file.temp()),
               1 << 16);
           SpillMerger merger = new SpillMerger(runs, true)) {
        SpillMerger.Record r = new SpillMerger.Record();
        while (merger.next(r)) {
          out.write(r.value);
          out.write('\n');
        }
      } catch (IOException | RuntimeException e) {
        file.abort();
        throw e;
      }
      file.commit();
    } catch (IOException e) {
      throw new RefineryException(target + ": cannot write: " + IoErrors.reason(e), e);
    }
  }

  // ---- verdicts ----

  /** A row's verdict: a drop (reason, detail or null) or a number of copies. */
  record Verdict(String reason, String detail, int copies) {
    static Verdict drop(String reason, String detail) {
      return new Verdict(reason, detail, 0);
    }

    boolean dropped() {
      return reason != null;
    }

    /** Combines two verdicts on one row, the same whichever comes first. */
    Verdict and(Verdict o) {
      if (dropped() != o.dropped()) {
        return dropped() ? this : o;
      }
      if (!dropped()) {
        return copies >= o.copies ? this : o;
      }
      int c = reason.compareTo(o.reason);
      if (c == 0) {
        c = detail == null ? (o.detail == null ? 0 : -1)
            : o.detail == null ? 1 : detail.compareTo(o.detail);
      }
      return c <= 0 ? this : o;
    }

    byte[] bytes() {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(b)) {
        write(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return b.toByteArray();
    }

    /** Writes the verdict; returns the bytes written. */
    int write(DataOutputStream out) throws IOException {
      if (!dropped()) {
        out.writeByte(COPIES);
        out.writeInt(copies);
        return 5;
      }
      out.writeByte(DROP);
      int n = 1 + writeString(out, reason);
      return n + writeString(out, detail);
    }

    static Verdict of(byte[] bytes) {
      try {
        return read(new DataInputStream(new ByteArrayInputStream(bytes)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Verdict read(DataInputStream in) throws IOException {
      byte kind = in.readByte();
      if (kind == COPIES) {
        return new Verdict(null, null, in.readInt());
      }
      String reason = readString(in);
      return drop(reason, readString(in));
    }

    private static int writeString(DataOutputStream out, String s) throws IOException {
      if (s == null) {
        out.writeInt(-1);
        return 4;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
      return 4 + b.length;
    }

    private static String readString(DataInputStream in) throws IOException {
      int n = in.readInt();
      if (n < 0) {
        return null;
      }
      byte[] b = new byte[n];
      in.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  /**
   * The combined verdicts by row id: per row its source, derivation and {@link Verdict}; in
   * memory, the id and file offset of every {@value #INDEX_EVERY}th row.
   */
  static final class VerdictFile {
    private final Path file;
    private final long[] indexSources;
    private final long[] indexDerivations;
    private final long[] indexOffsets;
    private final long rows;
    private final long dropped;

    private VerdictFile(Path file, long[] sources, long[] derivations, long[] offsets, long rows,
        long dropped) {
      this.file = file;
      this.indexSources = sources;
      this.indexDerivations = derivations;
      this.indexOffsets = offsets;
      this.rows = rows;
      this.dropped = dropped;
    }

    long dropped() {
      return dropped;
    }

    long rows() {
      return rows;
    }

    /** With {@code tally} (or null) told every combined verdict. */
    static VerdictFile write(Path target, List<Path> runs, Stops stops, Tally tally) {
      long[] sources = new long[16];
      long[] derivations = new long[16];
      long[] offsets = new long[16];
      int indexed = 0;
      long rows = 0;
      long dropped = 0;
      try {
        AtomicFile file = new AtomicFile(target);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                 Files.newOutputStream(file.temp()), 1 << 16));
             SpillMerger merger = new SpillMerger(runs, false)) {
          SpillMerger.Record r = new SpillMerger.Record();
          long offset = 0;
          boolean more = merger.next(r);
          while (more) {
            long source = r.longs[0];
            long flipped = r.longs[1];
            Verdict v = Verdict.of(r.value);
            while ((more = merger.next(r)) && r.longs[0] == source && r.longs[1] == flipped) {
              v = v.and(Verdict.of(r.value));
            }
            if (rows % INDEX_EVERY == 0) {
              if (indexed == sources.length) {
                sources = Arrays.copyOf(sources, indexed * 2);
                derivations = Arrays.copyOf(derivations, indexed * 2);
                offsets = Arrays.copyOf(offsets, indexed * 2);
              }
              sources[indexed] = source;
              derivations[indexed] = flip(flipped);
              offsets[indexed] = offset;
              indexed++;
            }
            out.writeLong(source);
            out.writeLong(flip(flipped));
            offset += 16 + v.write(out);
            if (tally != null) {
              tally.add(source, flip(flipped), v);
            }
            rows++;
            dropped += v.dropped() ? 1 : 0;
            if ((rows & 4095) == 0) {
              stops.checkpoint();
            }
          }
        } catch (IOException | RuntimeException e) {
          file.abort();
          throw e;
        }
        file.commit();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target, e);
      }
      return new VerdictFile(target, Arrays.copyOf(sources, indexed),
          Arrays.copyOf(derivations, indexed), Arrays.copyOf(offsets, indexed), rows, dropped);
    }

    /** A cursor; without {@code details} its drops have none (no string made for them). */
    Cursor cursor(boolean details) {
      return new Cursor(details);
    }

    /**
     * Answers, for one partition's rows asked in increasing id order, each row's verdict; opens
     * the file at the first row asked about, from the index entry at or before it.
     */
    final class Cursor implements AutoCloseable {
      private final boolean details;
      private FileChannel channel;
      private DataInputStream in;
      private boolean exhausted;
      private long source;
      private long derivation;
      private Verdict verdict;
      private byte[] reasonBytes = new byte[0];
      private byte[] scratch = new byte[64];
      private String reason;

      Cursor(boolean details) {
        this.details = details;
      }

      /** The verdict on row {@code id}, or null when it has none. */
      Verdict find(RowId id) {
        if (in == null && !exhausted) {
          open(id);
        }
        while (!exhausted && compare(id) > 0) {
          advance();
        }
        return !exhausted && compare(id) == 0 ? verdict : null;
      }

      /** The sign of {@code id} minus the current verdict's row. */
      private int compare(RowId id) {
        int c = Long.compare(id.source(), source);
        return c != 0 ? c : Long.compareUnsigned(id.derivation(), derivation);
      }

      private void open(RowId first) {
        int at = floor(first);
        if (at < 0) {
          at = 0;
        }
        if (indexOffsets.length == 0) {
          exhausted = true;
          return;
        }
        try {
          channel = FileChannel.open(file);
          channel.position(indexOffsets[at]);
          in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel),
              1 << 16));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
        advance();
      }

      /** The last index entry at or before {@code id}, or -1. */
      private int floor(RowId id) {
        int lo = 0;
        int hi = indexSources.length - 1;
        int found = -1;
        while (lo <= hi) {
          int mid = (lo + hi) >>> 1;
          int c = Long.compare(indexSources[mid], id.source());
          if (c == 0) {
            c = Long.compareUnsigned(indexDerivations[mid], id.derivation());
          }
          if (c <= 0) {
            found = mid;
            lo = mid + 1;
          } else {
            hi = mid - 1;
          }
        }
        return found;
      }

      private void advance() {
        try {
          source = in.readLong();
          derivation = in.readLong();
          verdict = details ? Verdict.read(in) : withoutDetail();
        } catch (EOFException end) {
          exhausted = true;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
      }

      /**
       * The next verdict with its detail skipped and its reason the last one's string when the
       * same: most rows of a run are dropped for one reason, each with a detail of its own.
       */
      private Verdict withoutDetail() throws IOException {
        if (in.readByte() == COPIES) {
          return new Verdict(null, null, in.readInt());
        }
        int n = in.readInt();
        if (scratch.length < n) {
          scratch = new byte[n];
        }
        in.readFully(scratch, 0, n);
        if (reason == null || !Arrays.equals(scratch, 0, n, reasonBytes, 0, reasonBytes.length)) {
          reasonBytes = Arrays.copyOf(scratch, n);
          reason = new String(reasonBytes, StandardCharsets.UTF_8);
        }
        int detail = in.readInt();
        if (detail > 0) {
          in.skipNBytes(detail);
        }
        return Verdict.drop(reason, null);
      }

      @Override
      public void close() {
        try {
          if (in != null) {
            in.close();
          } else if (channel != null) {
            channel.close();
          }
        } catch (IOException ignored) {
          // Read-only: nothing to lose.
        }
      }
    }
  }

  /**
   * The combined verdicts counted by the partition whose row they are on: drops by reason and
   * extra copies, so a stage that only joins the verdicts has its numbers without reading its
   * rows. Partitions are told apart by their emitted id ranges, which must follow one another in
   * partition order; otherwise (or with a marker of an older run) there is no tally.
   */
  static final class Tally {
    private final long[] firstSources;
    private final long[] firstDerivations;
    private final long[] lastSources;
    private final long[] lastDerivations;
    private final int[] partitions;
    private final List<Map<String, Long>> dropped = new ArrayList<>();
    private final long[] extra;
    private int at;

    private Tally(List<Integer> partitions, List<RowId> firsts, List<RowId> lasts, int n) {
      int k = partitions.size();
      this.partitions = new int[k];
      this.firstSources = new long[k];
      this.firstDerivations = new long[k];
      this.lastSources = new long[k];
      this.lastDerivations = new long[k];
      for (int i = 0; i < k; i++) {
        this.partitions[i] = partitions.get(i);
        firstSources[i] = firsts.get(i).source();
        firstDerivations[i] = firsts.get(i).derivation();
        lastSources[i] = lasts.get(i).source();
        lastDerivations[i] = lasts.get(i).derivation();
      }
      for (int p = 0; p < n; p++) {
        dropped.add(new TreeMap<>());
      }
      this.extra = new long[n];
    }

    /** A tally over these partitions' emits, or null when their ranges do not tell. */
    static Tally of(List<Emitted> emitted) {
      List<Integer> partitions = new ArrayList<>();
      List<RowId> firsts = new ArrayList<>();
      List<RowId> lasts = new ArrayList<>();
      RowId before = null;
      for (int p = 0; p < emitted.size(); p++) {
        Emitted e = emitted.get(p);
        if (e.rows() == 0) {
          continue;
        }
        if (e.first() == null || e.last() == null
            || before != null && before.compareTo(e.first()) >= 0) {
          return null;
        }
        partitions.add(p);
        firsts.add(e.first());
        lasts.add(e.last());
        before = e.last();
      }
      return new Tally(partitions, firsts, lasts, emitted.size());
    }

    /** Counts the verdict on row (source, derivation); verdicts come in increasing id order. */
    void add(long source, long derivation, Verdict v) {
      while (at < partitions.length && compare(source, derivation, lastSources[at],
          lastDerivations[at]) > 0) {
        at++;
      }
      if (at == partitions.length
          || compare(source, derivation, firstSources[at], firstDerivations[at]) < 0) {
        // Verdicts are only on emitted rows, which lie within their partition's range.
        throw new IllegalStateException("a verdict on row " + new RowId(source, derivation)
            + ", which no partition emitted");
      }
      int p = partitions[at];
      if (v.dropped()) {
        dropped.get(p).merge(v.reason(), 1L, Long::sum);
      } else {
        extra[p] += v.copies() - 1;
      }
    }

    private static int compare(long source, long derivation, long otherSource,
        long otherDerivation) {
      int c = Long.compare(source, otherSource);
      return c != 0 ? c : Long.compareUnsigned(derivation, otherDerivation);
    }

    /** The joining step's stats on partition {@code p}, of {@code rows} rows. */
    StepStats stats(String name, int p, long rows) {
      long drops = 0;
      for (long n : dropped.get(p).values()) {
        drops += n;
      }
      return new StepStats(name, rows, rows - drops + extra[p], dropped.get(p), 0, Map.of(),
          extra[p]);
    }
  }

  // ---- apply ----

  /**
   * Joins the verdicts onto one partition's rows: drops with their reason (the detail only when
   * the run keeps dropped rows, since a detail puts the row in rejects/), passes a kept row on as
   * many times as its verdict says, extra copies with ids derived from the row's.
   */
  static final class Join implements MapStep {
    private final String name;
    private final VerdictFile.Cursor cursor;
    private final boolean details;

    Join(String name, VerdictFile.Cursor cursor, boolean details) {
      this.name = name;
      this.cursor = cursor;
      this.details = details;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      return new Copies(samples, context) {
        private RowId previous;

        @Override
        protected int copies(Sample s) {
          RowId id = ascending(Join.this, context.partition(), previous, s);
          previous = id;
          Verdict v = cursor.find(id);
          if (v != null && v.dropped()) {
            context.drop(s, v.reason(), details ? v.detail() : null);
            return 0;
          }
          return v == null ? 1 : v.copies();
        }
      };
    }
  }
}
