package dev.refinery.bench;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Single-threaded read throughput on a generated dataset: Parquet → {@code Sample} records
 * ({@link #samples}) and Parquet → raw rows ({@link #rawRows}, the Parquet decoding and row
 * materialization alone), so the difference is the cost of decoding rows into samples. One
 * operation reads the chosen files once.
 *
 * <p>Run it through {@link #main}, which also prints rows/s and MB/s of text (UTF-8 bytes of all
 * message contents and tool call arguments, counted once before the run):
 *
 * <pre>
 * java -cp 'refinery-bench/target/refinery-bench-*.jar:refinery-bench/target/lib/*' \
 *     dev.refinery.bench.ReadBenchmark [DIR] [FILES] [extra JMH options]
 * </pre>
 *
 * DIR defaults to {@code refinery-bench/target/bench-data/nemotron-2600k} (generated when absent), FILES to 5:
 * that many data files, picked one per split first (the splits differ in row size), then the rest
 * in name order; 0 means all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ReadBenchmark {
  /** The dataset folder; empty means the system property refinery.bench.dir or the default. */
  @Param({""})
  public String dir;

  /** How many data files one operation reads (see the class comment); 0 means all. */
  @Param({"5"})
  public int files;

  private List<InputFile> inputs;
  private final Format format = Formats.nemotron();
  private final AtomicLong rejected = new AtomicLong();
  private final RejectHandler countRejects = r -> rejected.incrementAndGet();

  @Setup(Level.Trial)
  public void setup() {
    inputs = choose(BenchData.ensure(datasetDir(dir), BenchData.DEFAULT_ROWS), files);
  }

  @Benchmark
  public long samples(Blackhole bh) {
    long n = 0;
    try (SampleReader reader = SampleReader.open(inputs, format, countRejects)) {
      while (reader.hasNext()) {
        bh.consume(reader.next());
        n++;
      }
    }
    return n;
  }

  @Benchmark
  public long rawRows(Blackhole bh) throws IOException {
    long n = 0;
    for (InputFile f : inputs) {
      try (RowReader reader = RowReaders.open(f)) {
        RawRow row;
        while ((row = reader.next()) != null) {
          bh.consume(row);
          n++;
        }
      }
    }
    return n;
  }

  static Path datasetDir(String dir) {
    String d = dir == null || dir.isEmpty() ? System.getProperty("refinery.bench.dir", "") : dir;
    return d.isEmpty() ? BenchData.DEFAULT_DIR : Path.of(d);
  }

  /** {@code n} files, one per split first, then the rest in name order; 0 or too many = all. */
  static List<InputFile> choose(List<InputFile> all, int n) {
    if (n <= 0 || n >= all.size()) {
      return all;
    }
    List<InputFile> picked = new ArrayList<>();
    java.util.Set<String> splits = new java.util.HashSet<>();
    for (InputFile f : all) {
      if (picked.size() < n && splits.add(String.valueOf(f.split()))) {
        picked.add(f);
      }
    }
    for (InputFile f : all) {
      if (picked.size() < n && !picked.contains(f)) {
        picked.add(f);
      }
    }
    return picked;
  }

  /** Runs both benchmarks and prints rows/s and MB/s of text. */
  public static void main(String[] args) throws RunnerException, Exception {
    int positional = 0;
    while (positional < args.length && positional < 2 && !args[positional].startsWith("-")) {
      positional++;
    }
    String dir = positional > 0 ? args[0] : "";
    String files = positional > 1 ? args[1] : "5";
    String[] jmhArgs = java.util.Arrays.copyOfRange(args, positional, args.length);

    Path datasetDir = datasetDir(dir);
    List<InputFile> all = BenchData.ensure(datasetDir, BenchData.DEFAULT_ROWS);
    List<InputFile> chosen = choose(all, Integer.parseInt(files));
    System.out.println("counting rows and text bytes of " + chosen.size() + " files: " + chosen);
    BenchData.TextVolume v = BenchData.measure(chosen);
    System.out.printf("%,d rows (%,d decoded), %,d bytes of text (UTF-8), %,d bytes on disk%n",
        v.rows(), v.samples(), v.textBytes(), BenchData.bytesOnDisk(chosen));

    Options options = new OptionsBuilder()
        .parent(new CommandLineOptions(jmhArgs))
        .include(ReadBenchmark.class.getName() + "\\.")
        .param("dir", datasetDir.toString())
        .param("files", files)
        .build();
    Collection<RunResult> results = new Runner(options).run();

    System.out.println();
    System.out.printf("%-10s %10s %14s %14s%n", "benchmark", "s/op", "rows/s", "MB/s text");
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.') + 1);
      double seconds = r.getPrimaryResult().getScore();
      String unit = r.getPrimaryResult().getScoreUnit();
      if (!unit.equals("s/op")) {
        System.out.printf("%-10s %10.3f %s (rows/s and MB/s need s/op)%n", name, seconds, unit);
        continue;
      }
      System.out.printf("%-10s %10.3f %,14.0f %,14.1f%n", name, seconds, v.rows() / seconds,
          v.textBytes() / 1e6 / seconds);
    }
  }
}
