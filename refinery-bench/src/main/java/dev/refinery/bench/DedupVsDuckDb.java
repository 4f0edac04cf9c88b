package dev.refinery.bench;

import static dev.refinery.bench.StatsVsDuckDb.median;
import static dev.refinery.bench.StatsVsDuckDb.round;

import dev.refinery.Refinery;
import dev.refinery.io.InputFile;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.run.Runner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An {@code exact_dedup {key: prompt}} pipeline written to Parquet against DuckDB doing the same
 * with {@code QUALIFY row_number() OVER (PARTITION BY md5(key) ORDER BY file, row) = 1}, in one
 * JVM, runs alternating, on generated datasets of the given sizes: prints both row counts, median
 * wall times and their ratio.
 *
 * <pre>
 * java -Xmx1g -cp 'refinery-bench/target/refinery-bench-*.jar:refinery-bench/target/lib/*' \
 *     dev.refinery.bench.DedupVsDuckDb [ROWS...] [--reps N] [--threads N] [--only refinery|duckdb]
 *     [--data FOLDER]
 * </pre>
 *
 * ROWS default to 300000 and 1000000; each dataset is {@code SampleData.write(DIR, Spec.of(ROWS,
 * 42))} in {@code refinery-bench/target/bench-data/nemotron-<ROWS/1000>k} (or {@code
 * FOLDER/nemotron-<ROWS/1000>k}), generated when absent.
 *
 * <p>The SQL key is as close to refinery's ({@code Normalization.DEFAULT}: NFKC, lower case,
 * whitespace runs collapsed to one space and trimmed, blank = no key, rows without a key are all
 * kept) as DuckDB allows: it has no NFKC, so it uses {@code nfc_normalize} (canonical composition
 * only: full-width letters, ligatures and no-break spaces stay as they are), and DuckDB's {@code
 * lower} follows Unicode's simple case mapping where Java's {@code toLowerCase} uses the full one
 * (e.g. {@code İ}); the whitespace set is Java's, passed as a regex class. DuckDB's output row
 * order is whatever its window operator gives; refinery's is input order.
 */
public final class DedupVsDuckDb {
  private DedupVsDuckDb() {}

  public static void main(String[] args) throws Exception {
    List<Long> sizes = new ArrayList<>();
    int reps = 3;
    int threads = Runtime.getRuntime().availableProcessors();
    String only = null;
    Path data = BenchData.DEFAULT_DIR.getParent();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--only" -> only = args[++i];
        case "--data" -> data = Path.of(args[++i]);
        default -> {
          if (args[i].startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + args[i]);
          }
          sizes.add(Long.parseLong(args[i].replace("_", "").replace(",", "")));
        }
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(300_000L, 1_000_000L);
    }
    boolean runRefinery = only == null || only.equals("refinery");
    boolean runDuck = only == null || only.equals("duckdb");
    System.out.printf("JVM %s, max heap %,d MB, %d processors; refinery workers %d, "
            + "DuckDB threads default (all cores)%n", System.getProperty("java.vm.version"),
        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
        threads);
    System.out.println("DuckDB key: " + keySql("<prompt>"));

    List<String> summary = new ArrayList<>();
    boolean warm = false;
    for (long rows : sizes) {
      Path dir = data.resolve("nemotron-" + label(rows));
      List<InputFile> files = BenchData.ensure(dir, rows);
      Path work = dir.resolveSibling("dedup-bench-" + label(rows)).toAbsolutePath();
      delete(work);
      Files.createDirectories(work);
      String source = DuckDbStats.glob(dir.toAbsolutePath().resolve("data"));
      System.out.printf("%ndataset %s: %d files, %,d bytes on disk%n", dir, files.size(),
          BenchData.bytesOnDisk(files));

      // Warm-up (JIT for refinery, page cache for both), once per JVM on the first dataset.
      if (!warm) {
        if (runRefinery) {
          System.out.printf("warm-up refinery: %.2f s%n", refinery(dir, work, threads).seconds);
        }
        if (runDuck) {
          System.out.printf("warm-up DuckDB:   %.2f s%n", duck(source, work).seconds);
        }
        warm = true;
      }

      double[] refTimes = new double[runRefinery ? reps : 0];
      double[] duckTimes = new double[runDuck ? reps : 0];
      Timed ref = null;
      Timed duck = null;
      HeapProbe.Peak peak = null;
      for (int i = 0; i < reps; i++) {
        if (runRefinery) {
          try (HeapProbe probe = new HeapProbe()) {
            ref = refinery(dir, work, threads);
            HeapProbe.Peak p = probe.peak();
            peak = peak == null || p.poolPeakSum() > peak.poolPeakSum() ? p : peak;
          }
          refTimes[i] = ref.seconds;
          System.out.printf("rep %d refinery: %6.2f s  kept %,d of %,d%n", i + 1, ref.seconds,
              ref.kept, ref.read);
        }
        if (runDuck) {
          duck = duck(source, work);
          duckTimes[i] = duck.seconds;
          System.out.printf("rep %d DuckDB:   %6.2f s  kept %,d of %,d%n", i + 1, duck.seconds,
              duck.kept, duck.read);
        }
      }

      System.out.printf("%n%,d rows:%n", rows);
      if (ref != null) {
        System.out.printf("  refinery kept %,d of %,d: %s%n", ref.kept, ref.read, ref.detail);
        System.out.printf("  refinery median %.2f s %s; peak heap %,d MB pool peaks summed, "
                + "%,d MB max after GC%n", median(refTimes), Arrays.toString(round(refTimes)),
            peak.poolPeakSum() >> 20, peak.maxAfterGc() >> 20);
      }
      if (duck != null) {
        System.out.printf("  DuckDB   kept %,d of %,d%n", duck.kept, duck.read);
        System.out.printf("  DuckDB   median %.2f s %s%n", median(duckTimes),
            Arrays.toString(round(duckTimes)));
      }
      if (ref != null && duck != null) {
        double ratio = median(refTimes) / median(duckTimes);
        String counts = ref.kept == duck.kept ? "same count"
            : String.format("counts differ by %+,d (refinery - DuckDB)", ref.kept - duck.kept);
        System.out.printf("  ratio refinery/DuckDB %.2f (target <= 1.5: %s); %s%n", ratio,
            ratio <= 1.5 ? "met" : "NOT met", counts);
        summary.add(String.format("%,9d rows: refinery %6.2f s, DuckDB %6.2f s, ratio %.2f; "
                + "kept %,d vs %,d", rows, median(refTimes), median(duckTimes), ratio, ref.kept,
            duck.kept));
      }
      delete(work);
    }
    if (!summary.isEmpty()) {
      System.out.println();
      summary.forEach(System.out::println);
    }
  }

  private record Timed(double seconds, long read, long kept, String detail) {}

  private static String label(long rows) {
    return rows % 1000 == 0 ? rows / 1000 + "k" : Long.toString(rows);
  }

  /** One refinery run into a fresh output folder, through the public facade. */
  private static Timed refinery(Path dir, Path work, int threads) throws IOException {
    Path out = work.resolve("refinery");
    delete(out);
    long t0 = System.nanoTime();
    Pipeline p = Refinery.pipelineBuilder()
        .input(dir.toAbsolutePath())
        .step("exact_dedup", Map.of("key", "prompt"))
        .output(out)
        .outputFormat("parquet")
        .build();
    Runner.Result r = Refinery.run(p, threads);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (!r.conserved()) {
      throw new IllegalStateException("refinery run does not add up: " + r.balance());
    }
    return new Timed(seconds, r.read(), r.written(), r.balance() + "\n" + phases(out));
  }

  /**
   * Where the run's time went: run.log's lines with their time since the first, and the keyed
   * stage's phase seconds from stats.json.
   */
  private static String phases(Path run) throws IOException {
    StringBuilder b = new StringBuilder();
    java.time.Instant first = null;
    for (String line : Files.readAllLines(run.resolve("run.log"))) {
      int space = line.indexOf(' ');
      java.time.Instant at = java.time.Instant.parse(line.substring(0, space));
      first = first == null ? at : first;
      b.append(String.format("    %+7.2f s %s%n",
          java.time.Duration.between(first, at).toNanos() / 1e9, line.substring(space + 1)));
    }
    com.fasterxml.jackson.databind.JsonNode stats =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("stats.json").toFile());
    for (com.fasterxml.jackson.databind.JsonNode g : stats.path("global_steps")) {
      b.append("    ").append(g.path("step").asText()).append(" phase seconds: ")
          .append(g.path("report").path("seconds")).append('\n');
    }
    return b.toString().stripTrailing();
  }

  /** One DuckDB run (a fresh in-memory database) writing one zstd Parquet file, as refinery does. */
  private static Timed duck(String source, Path work) throws SQLException, IOException {
    Path out = work.resolve("duckdb.parquet");
    Files.deleteIfExists(out);
    String sql = """
        COPY (
          WITH src AS (
            SELECT *, %s AS __key
            FROM read_parquet(%s, filename = true, file_row_number = true)
          )
          SELECT * EXCLUDE (filename, file_row_number, __key) FROM src
          QUALIFY __key IS NULL
            OR row_number() OVER (PARTITION BY md5(__key) ORDER BY filename, file_row_number) = 1
        ) TO '%s' (FORMAT parquet, COMPRESSION zstd)
        """.formatted(keySql("list_filter(messages, lambda m: m.role = 'user')[1].content"),
        source, out.toString().replace("'", "''"));
    long t0 = System.nanoTime();
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
         Statement st = conn.createStatement()) {
      st.execute(sql);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // Counted afterwards, untimed.
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
         Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM read_parquet('"
             + out.toString().replace("'", "''") + "')), (SELECT count(*) FROM read_parquet("
             + source + "))")) {
      rs.next();
      return new Timed(seconds, rs.getLong(2), rs.getLong(1), "");
    }
  }

  /**
   * Refinery's key normalization in DuckDB SQL, as far as it goes: NFC instead of NFKC, lower
   * case, every run of Java whitespace or space characters to one space, trimmed, blank to null.
   */
  static String keySql(String text) {
    return "nullif(trim(regexp_replace(lower(nfc_normalize(" + text + ")), '" + whitespaceClass()
        + "+', ' ', 'g')), '')";
  }

  /** The characters {@code Normalization} collapses, as an RE2 character class. */
  static String whitespaceClass() {
    StringBuilder b = new StringBuilder("[");
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        int end = cp;
        while (end + 1 <= Character.MAX_CODE_POINT
            && (Character.isWhitespace(end + 1) || Character.isSpaceChar(end + 1))) {
          end++;
        }
        b.append(String.format("\\x{%x}", cp));
        if (end > cp) {
          b.append(String.format("-\\x{%x}", end));
        }
        cp = end;
      }
    }
    return b.append(']').toString();
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
