package dev.refinery.bench;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.LengthHistogram;
import dev.refinery.stats.StatsCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code refinery stats} end to end against DuckDB computing the same aggregates with SQL on the
 * same Parquet files, in one JVM, runs alternating: checks that both give the same numbers and
 * prints median wall times, their ratio and refinery's peak heap (at a quarter of the files and at
 * all of them).
 *
 * <pre>
 * java -Xmx1g -cp 'refinery-bench/target/refinery-bench-*.jar:refinery-bench/target/lib/*' \
 *     dev.refinery.bench.StatsVsDuckDb [DIR] [REPETITIONS] [--rows N] [--threads N]
 *     [--only refinery|duckdb] [--no-regex-check] [--plain]
 * </pre>
 *
 * DIR defaults to {@code refinery-bench/target/bench-data/nemotron-2600k} and is generated with {@code --rows}
 * rows (default 2,600,000, about 1 GB of Parquet) when it has no {@code data} folder.
 * Run it with a fixed {@code -Xmx} so that peak heap figures compare between runs.
 *
 * <p>{@code --plain} times DuckDB's plain aggregates instead (the answer is the whole final turn,
 * no think split, no trim: the same counts and turn, tool call and prompt figures, different
 * answer and reasoning figures), the query issue 11's target is stated against.
 */
public final class StatsVsDuckDb {
  private StatsVsDuckDb() {}

  public static void main(String[] args) throws Exception {
    Path dir = BenchData.DEFAULT_DIR;
    int reps = 3;
    long rows = BenchData.DEFAULT_ROWS;
    int threads = Runtime.getRuntime().availableProcessors();
    String only = null;
    boolean regexCheck = true;
    boolean plain = false;
    int positional = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--only" -> only = args[++i];
        case "--no-regex-check" -> regexCheck = false;
        case "--plain" -> plain = true;
        default -> {
          if (args[i].startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + args[i]);
          }
          if (positional++ == 0) {
            dir = Path.of(args[i]);
          } else {
            reps = Integer.parseInt(args[i]);
          }
        }
      }
    }
    boolean runRefinery = only == null || only.equals("refinery");
    boolean runDuck = only == null || only.equals("duckdb");
    DuckDbStats.ThinkSql think = plain ? DuckDbStats.ThinkSql.NONE : DuckDbStats.ThinkSql.FAITHFUL;
    DuckDbStats.Trim trim = plain ? DuckDbStats.Trim.SQL_DEFAULT : DuckDbStats.Trim.JAVA_STRIP;
    double target = plain ? 1.0 : 2.0;
    if (plain) {
      System.out.println("timing DuckDB's plain aggregates (no think split, no trim): answer and "
          + "reasoning figures differ from refinery's by design");
    }

    List<InputFile> files = BenchData.ensure(dir, rows);
    List<InputFile> quarter = files.subList(0, (files.size() + 3) / 4);
    String source = DuckDbStats.glob(dir.resolve("data"));
    String quarterSource = DuckDbStats.list(quarter.stream().map(InputFile::path).toList());

    System.out.printf("dataset %s: %d files, %,d bytes on disk; quarter: %d files, %,d bytes%n",
        dir, files.size(), BenchData.bytesOnDisk(files), quarter.size(),
        BenchData.bytesOnDisk(quarter));
    System.out.printf("JVM %s, max heap %,d MB, %d processors; refinery threads %d, "
            + "DuckDB threads default (all cores)%n", System.getProperty("java.vm.version"),
        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
        threads);

    // Warm-up and the quarter figures: JIT for refinery, page cache for both.
    DatasetStats refQuarter = null;
    HeapProbe.Peak quarterPeak = null;
    if (runRefinery) {
      Timed<DatasetStats> q = refinery(quarter, threads);
      refQuarter = q.value;
      quarterPeak = q.peak;
      System.out.printf("warm-up refinery, quarter: %.2f s%n", q.seconds);
    }
    if (runDuck) {
      Timed<DuckDbStats.Result> q = duck(quarterSource, think, trim);
      System.out.printf("warm-up DuckDB,   quarter: %.2f s%n", q.seconds);
      if (refQuarter != null) {
        List<Row> rowsQ = compare(refQuarter, q.value);
        long bad = rowsQ.stream().filter(r -> !r.match).count();
        System.out.println("quarter check: " + (bad == 0 ? "MATCH" : bad + " MISMATCHES")
            + (plain ? " (plain: " + plainOnlyAnswers(rowsQ) + ")" : ""));
      }
    }

    double[] refTimes = new double[runRefinery ? reps : 0];
    double[] duckTimes = new double[runDuck ? reps : 0];
    DatasetStats ref = null;
    DuckDbStats.Result duck = null;
    HeapProbe.Peak fullPeak = null;
    for (int i = 0; i < reps; i++) {
      if (runRefinery) {
        Timed<DatasetStats> t = refinery(files, threads);
        if (ref != null && !ref.equals(t.value)) {
          System.out.println("WARNING: refinery gave different stats on repetition " + (i + 1));
        }
        ref = t.value;
        refTimes[i] = t.seconds;
        fullPeak = fullPeak == null || t.peak.poolPeakSum() > fullPeak.poolPeakSum()
            ? t.peak : fullPeak;
        System.out.printf("rep %d refinery: %6.2f s  (peak heap %s)%n", i + 1, t.seconds,
            describe(t.peak));
      }
      if (runDuck) {
        Timed<DuckDbStats.Result> t = duck(source, think, trim);
        duck = t.value;
        duckTimes[i] = t.seconds;
        System.out.printf("rep %d DuckDB:   %6.2f s%n", i + 1, t.seconds);
      }
    }

    if (ref != null && duck != null) {
      System.out.println();
      System.out.println("refinery stats vs DuckDB (" + (plain ? "plain" : "faithful")
          + " SQL), all files:");
      List<Row> table = compare(ref, duck);
      printTable(table);
      List<Row> bad = table.stream().filter(r -> !r.match).toList();
      System.out.println(bad.isEmpty() ? "RESULT: MATCH (" + table.size() + " values)"
          : "RESULT: " + bad.size() + " MISMATCHES of " + table.size() + " values");
      if (ref.malformedSamples() > 0) {
        System.out.printf("note: refinery counted %,d malformed records; DuckDB cannot tell them "
            + "apart, so its tables include them%n", ref.malformedSamples());
      }
      if (plain) {
        System.out.println("plain: " + plainOnlyAnswers(table));
      }
      Timed<DuckDbStats.Result> floor = plain ? null : duck(source, DuckDbStats.ThinkSql.NONE,
          DuckDbStats.Trim.SQL_DEFAULT);
      if (floor != null) {
        System.out.printf("%nDuckDB floor, all files, once: the same query without the think split "
          + "and trim (answer = whole final turn, no trace; not the same numbers): %.2f s%n",
          floor.seconds);
      }
      if (regexCheck && !plain) {
        regexChecks(refQuarter, quarterSource, quarter.size());
      }
    }

    System.out.println();
    if (runRefinery) {
      System.out.printf("refinery stats median: %.2f s  %s%n", median(refTimes),
          Arrays.toString(round(refTimes)));
    }
    if (runDuck) {
      System.out.printf("DuckDB         median: %.2f s  %s%n", median(duckTimes),
          Arrays.toString(round(duckTimes)));
    }
    if (runRefinery && runDuck) {
      System.out.printf("ratio refinery/DuckDB: %.2f (target <= %.1f: %s)%n",
          median(refTimes) / median(duckTimes), target,
          median(refTimes) / median(duckTimes) <= target ? "met" : "NOT met");
    }
    if (runRefinery) {
      System.out.printf("refinery peak heap, quarter (%d files): %s%n", quarter.size(),
          describe(quarterPeak));
      System.out.printf("refinery peak heap, all (%d files):     %s%n", files.size(),
          describe(fullPeak));
      System.out.println("  per pool, quarter: " + mb(quarterPeak.poolPeaks()));
      System.out.println("  per pool, all:     " + mb(fullPeak.poolPeaks()));
    }
  }

  /**
   * Untimed, on the quarter: how the obvious SQL differs from refinery, one cause at a time (the
   * think-block split by regex, DuckDB's default trim, both).
   */
  private static void regexChecks(DatasetStats refQuarter, String quarterSource, int nFiles)
      throws java.sql.SQLException {
    record Variant(String label, DuckDbStats.ThinkSql think, DuckDbStats.Trim trim) {}
    List<Variant> variants = List.of(
        new Variant("regexp_extract/regexp_replace '(?s)<think>(.*?)</think>' + Java strip set",
            DuckDbStats.ThinkSql.REGEX, DuckDbStats.Trim.JAVA_STRIP),
        new Variant("ThinkBlock rules + DuckDB default trim (spaces only)",
            DuckDbStats.ThinkSql.FAITHFUL, DuckDbStats.Trim.SQL_DEFAULT),
        new Variant("regexp + default trim (the obvious SQL)",
            DuckDbStats.ThinkSql.REGEX, DuckDbStats.Trim.SQL_DEFAULT));
    for (Variant v : variants) {
      System.out.println();
      System.out.println("untimed, quarter (" + nFiles + " files), " + v.label
          + ", against refinery:");
      Timed<DuckDbStats.Result> t = duck(quarterSource, v.think, v.trim);
      List<Row> diff = compare(refQuarter, t.value).stream().filter(r -> !r.match).toList();
      if (diff.isEmpty()) {
        System.out.println("  MATCH");
      } else {
        printTable(diff);
      }
    }
  }

  /** Whether the plain query differs from refinery only where it must: answer and reasoning. */
  private static String plainOnlyAnswers(List<Row> rows) {
    List<String> other = rows.stream().filter(r -> !r.match)
        .map(Row::name).filter(n -> !n.startsWith("answer ") && !n.startsWith("reasoning length"))
        .toList();
    return other.isEmpty() ? "every other value matches" : "also differ: " + other;
  }

  private record Timed<T>(T value, double seconds, HeapProbe.Peak peak) {}

  private static Timed<DatasetStats> refinery(List<InputFile> files, int threads) {
    AtomicLong rejected = new AtomicLong();
    RejectHandler count = r -> rejected.incrementAndGet();
    try (HeapProbe probe = new HeapProbe()) {
      long t0 = System.nanoTime();
      DatasetStats s = StatsCollector.collect(files, Formats.nemotron(), count, threads);
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Timed<>(s, seconds, probe.peak());
    }
  }

  private static Timed<DuckDbStats.Result> duck(String source, DuckDbStats.ThinkSql think,
                                                DuckDbStats.Trim trim)
      throws java.sql.SQLException {
    long t0 = System.nanoTime();
    DuckDbStats.Result r = DuckDbStats.run(source, think, trim);
    return new Timed<>(r, (System.nanoTime() - t0) / 1e9, null);
  }

  record Row(String name, String refinery, String duckdb, boolean match) {}

  static List<Row> compare(DatasetStats ref, DuckDbStats.Result duck) {
    List<Row> rows = new ArrayList<>();
    rows.add(row("total records", ref.totalSamples(), duck.total()));
    rows.add(row("malformed (refinery only)", ref.malformedSamples(), 0L));
    counts(rows, "split", ref.bySplit(), duck.bySplit());
    counts(rows, "category", ref.byCategory(), duck.byCategory());
    counts(rows, "generator", ref.byGenerator(), duck.byGenerator());
    counts(rows, "reasoning", ref.byReasoning(), duck.byReasoning());
    counts(rows, "license", ref.byLicense(), duck.byLicense());
    counts(rows, "version", ref.byVersion(), duck.byVersion());
    dist(rows, "turns", ref.turns(), duck.turns());
    dist(rows, "tool calls", ref.toolCalls(), duck.toolCalls());
    dist(rows, "prompt length", ref.promptLength(), duck.prompt());
    dist(rows, "answer length", ref.answerLength(), duck.answer());
    dist(rows, "reasoning length", ref.reasoningLength(), duck.reasoning());
    return rows;
  }

  private static void counts(List<Row> rows, String what, Map<String, Long> ref,
                             Map<String, Long> duck) {
    TreeSet<String> keys = new TreeSet<>(ref.keySet());
    keys.addAll(duck.keySet());
    for (String k : keys) {
      rows.add(row(what + "=" + k, ref.get(k), duck.get(k)));
    }
  }

  private static void dist(List<Row> rows, String what, LengthHistogram h, DuckDbStats.Dist d) {
    rows.add(row(what + " count", h.count(), d.count()));
    rows.add(row(what + " sum", h.sum(), d.count() == 0 ? 0L : d.sum()));
    double[] ps = {50, 90, 99};
    for (int i = 0; i < ps.length; i++) {
      Long r = h.isEmpty() ? null : (long) h.percentile(ps[i]);
      Long q = d.p() == null ? null : d.p().get(i);
      rows.add(row(what + " p" + (int) ps[i], r, q));
    }
    rows.add(row(what + " max", h.isEmpty() ? null : (long) h.max(), d.max()));
    String rm = h.isEmpty() ? "null" : String.format("%.4f", h.mean());
    String dm = d.mean() == null ? "null" : String.format("%.4f", d.mean());
    boolean meanMatch = h.isEmpty() ? d.mean() == null
        : d.mean() != null && Math.abs(h.mean() - d.mean()) <= 1e-9 * Math.max(1, h.mean());
    rows.add(new Row(what + " mean", rm, dm, meanMatch));
  }

  private static Row row(String name, Long ref, Long duck) {
    return new Row(name, String.valueOf(ref), String.valueOf(duck), Objects.equals(ref, duck));
  }

  private static void printTable(List<Row> rows) {
    int w = rows.stream().mapToInt(r -> r.name.length()).max().orElse(10);
    System.out.printf("  %-" + w + "s %16s %16s%n", "value", "refinery", "DuckDB");
    for (Row r : rows) {
      System.out.printf("  %-" + w + "s %16s %16s%s%n", r.name, r.refinery, r.duckdb,
          r.match ? "" : "   <-- MISMATCH");
    }
  }

  private static String describe(HeapProbe.Peak p) {
    return String.format("%,d MB pool peaks summed, %,d MB max live after GC (%d GCs)",
        p.poolPeakSum() >> 20, p.maxAfterGc() >> 20, p.gcs());
  }

  private static String mb(Map<String, Long> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(k).append('=').append(v >> 20).append(" MB; "));
    return b.toString();
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  static String[] round(double[] xs) {
    return Arrays.stream(xs).mapToObj(x -> String.format("%.2f", x)).toArray(String[]::new);
  }
}
