package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
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
 * Run by hand, not a test: every Curator filter (default parameters) over each text of a JSONL
 * file's {@code text} field, repeated to about {@code targetMb} MB, on one thread. Prints MB/s of
 * UTF-8 input per core, all filters together and each alone.
 *
 * <pre>
 * ./mvnw -q -o test-compile -pl refinery-core
 * java -cp refinery-core/target/classes:refinery-core/target/test-classes:$(cat cp.txt) \
 *   dev.refinery.filter.heuristic.CuratorFiltersThroughput shared/data/llamafactory-demo/c4_demo.jsonl 50
 * </pre>
 */
public final class CuratorFiltersThroughput {
  private CuratorFiltersThroughput() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    double targetMb = args.length > 1 ? Double.parseDouble(args[1]) : 50;
    List<String> texts = new ArrayList<>();
    long bytes = 0;
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        String t = (String) ((Map<String, Object>) Json.parse(line)).get("text");
        texts.add(t);
        bytes += t.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    int repeats = (int) Math.ceil(targetMb * 1e6 / bytes);
    List<Filter<String>> filters = new ArrayList<>();
    for (FilterType t : CuratorFilters.types()) {
      filters.add((Filter<String>) t.createWithDefaults());
    }
    System.out.printf("%d texts, %.1f MB per pass, %d passes%n", texts.size(), bytes / 1e6,
        repeats);
    // The JIT needs a few passes over all filters before the numbers settle.
    for (int round = 1; round <= 3; round++) {
      run("all " + filters.size() + " filters, round " + round, filters, texts, bytes, repeats);
    }
    for (Filter<String> f : filters) {
      run(f.name(), List.of(f), texts, bytes, Math.max(1, repeats / 2));
    }
  }

  private static void run(String label, List<Filter<String>> filters, List<String> texts,
      long bytes, int repeats) {
    long kept = 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int r = 0; r < repeats; r++) {
      for (String t : texts) {
        for (Filter<String> f : filters) {
          kept += f.apply(t).kept() ? 1 : 0;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    double mb = bytes * (double) repeats / 1e6;
    // CPU time of this thread is the per-core figure on a busy machine; wall time is shown too.
    System.out.printf("%-34s %8.1f MB/s per core (CPU time) %8.1f MB/s wall  (%.1f MB, %d kept)%n",
        label, mb / cpuSeconds, mb / seconds, mb, kept);
  }
}
