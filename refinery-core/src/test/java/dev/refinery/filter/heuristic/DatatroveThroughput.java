package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterTypes;
import dev.refinery.internal.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A by-hand measurement, not a test: single-thread MB/s of gopher_quality + gopher_repetition +
 * fineweb_quality + c4_quality (score and decide each) over ~50 MB of real text, the c4_demo
 * documents and the wiki_demo lines, repeated. Timed in this thread's CPU time, so other work on
 * a shared machine does not count against it (wall time is printed too). Run with the test
 * classpath:
 * {@code java -cp ... dev.refinery.filter.heuristic.DatatroveThroughput <shared/data dir> [MB]}.
 */
public final class DatatroveThroughput {
  private DatatroveThroughput() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/data");
    long targetBytes = (args.length > 1 ? Long.parseLong(args[1]) : 50) << 20;
    List<String> docs = new ArrayList<>();
    for (String line : Files.readAllLines(data.resolve("llamafactory-demo/c4_demo.jsonl"))) {
      docs.add((String) ((Map<String, Object>) Json.parse(line)).get("text"));
    }
    for (String line : Files.readAllLines(data.resolve("llamafactory-demo/wiki_demo.txt"))) {
      if (!line.isBlank()) {
        docs.add(line);
      }
    }
    List<String> corpus = new ArrayList<>();
    long bytes = 0;
    while (bytes < targetBytes) {
      for (String d : docs) {
        corpus.add(d);
        bytes += d.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    List<Filter<String>> filters = new ArrayList<>();
    for (String name : List.of("gopher_quality", "gopher_repetition", "fineweb_quality",
        "c4_quality")) {
      FilterType type = FilterTypes.byName(name, "bench");
      filters.add((Filter<String>) type.createWithDefaults());
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    System.out.printf("corpus: %d docs, %.1f MB (UTF-8)%n", corpus.size(), bytes / 1e6);
    for (int round = 1; round <= 3; round++) {
      long kept = 0;
      long t0 = System.nanoTime();
      long c0 = cpu.getCurrentThreadCpuTime();
      for (String doc : corpus) {
        boolean keep = true;
        for (Filter<String> f : filters) {
          // Every filter scores every doc, as a score-only run would (no short-circuit).
          keep &= f.decide(f.score(doc)).kept();
        }
        kept += keep ? 1 : 0;
      }
      double cpuSeconds = (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("round %d: %.2f s CPU (%.2f s wall), %.1f MB/s per core, kept %d of %d%n",
          round, cpuSeconds, seconds, bytes / 1e6 / cpuSeconds, kept, corpus.size());
    }
    for (Filter<String> f : filters) {
      long c0 = cpu.getCurrentThreadCpuTime();
      for (String doc : corpus) {
        f.decide(f.score(doc));
      }
      double seconds = (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
      System.out.printf("  %-18s %.1f MB/s%n", f.name(), bytes / 1e6 / seconds);
    }
  }
}
