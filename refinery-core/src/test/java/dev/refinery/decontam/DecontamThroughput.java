package dev.refinery.decontam;

import dev.refinery.io.Inputs;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measured by hand, not a test: index size for every benchmark in shared/data, then docs/s for
 * ~2 KB prompts (alpaca instructions and outputs glued together, so mostly misses, the usual case)
 * on one thread. Run from the repository root:
 * <pre>
 * ./mvnw -q -o test-compile -pl refinery-core
 * ./mvnw -q -o dependency:build-classpath -pl refinery-core -Dmdep.outputFile=/tmp/cp.txt
 * java -cp refinery-core/target/classes:refinery-core/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.refinery.decontam.DecontamThroughput
 * </pre>
 */
public final class DecontamThroughput {
  private DecontamThroughput() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    List<BenchmarkItem> items = Benchmarks.load(TestBenchmarks.all());
    Decontaminator d = Decontaminator.build(items);
    System.out.printf("index built in %.2f s: %s%n", (System.nanoTime() - t0) / 1e9, d.stats());
    Map<String, Integer> perBenchmark = new TreeMap<>();
    items.forEach(i -> perBenchmark.merge(i.benchmark(), 1, Integer::sum));
    perBenchmark.forEach((k, v) -> System.out.printf("  %-48s %,6d items%n", k, v));

    List<String> pieces = new ArrayList<>();
    // The Alpaca-GPT4 demo (non-commercial) is read from ../shared/data only, never from testdata/.
    Path alpaca = Path.of(args.length > 0 ? args[0] : "../shared/data")
        .resolve("llamafactory-demo/alpaca_en_demo.json");
    try (RowReader r = RowReaders.open(Inputs.resolve(alpaca.toString()).get(0))) {
      RawRow row;
      while ((row = r.next()) != null) {
        pieces.add(row.fields().get("instruction") + " " + row.fields().get("output"));
      }
    }
    List<String> docs = new ArrayList<>();
    StringBuilder doc = new StringBuilder();
    for (int i = 0; docs.size() < 20_000; i++) {
      doc.append(pieces.get(i % pieces.size())).append('\n');
      if (doc.length() >= 2048) {
        docs.add(doc.substring(0, 2048));
        doc.setLength(0);
      }
    }
    long bytes = docs.stream().mapToLong(String::length).sum();
    for (int round = 0; round < 6; round++) {
      java.lang.management.ThreadMXBean mx =
          java.lang.management.ManagementFactory.getThreadMXBean();
      long cpuStart = mx.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      int hits = 0;
      for (String s : docs) {
        hits += d.match(s).isPresent() ? 1 : 0;
      }
      double secs = (System.nanoTime() - start) / 1e9;
      // CPU time too: on a shared, busy machine wall time mostly measures the neighbours.
      double cpu = (mx.getCurrentThreadCpuTime() - cpuStart) / 1e9;
      System.out.printf("round %d: %,d docs (%.1f MB), %d matched: wall %.3f s = %,.0f docs/s;"
          + " cpu %.3f s = %,.0f docs/s per core, %.1f MB/s per core%n", round, docs.size(),
          bytes / 1e6, hits, secs, docs.size() / secs, cpu, docs.size() / cpu, bytes / 1e6 / cpu);
    }
  }
}
