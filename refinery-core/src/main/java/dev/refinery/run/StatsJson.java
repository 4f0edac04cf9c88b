package dev.refinery.run;

import dev.refinery.RefineryException;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.pipeline.StepStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's {@code stats.json}: written last (its presence marks the run finished) and read back
 * when a finished run is asked to run again.
 */
final class StatsJson {
  private StatsJson() {}

  /**
   * Writes the totals, per-step stats, keyed and planned steps' reports (with their phases'
   * seconds), shards and what the sink reported (e.g. {@code tokenized}).
   */
  static void write(RunFolder folder, Runner.Result r, List<Map<String, Object>> reports,
      Map<String, Object> sinkReports) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("read", r.read());
    m.put("written", r.written());
    m.put("dropped", r.dropped());
    m.put("rejected", r.rejected());
    if (r.repeated() != 0) {
      m.put("repeated", r.repeated());
    }
    m.put("conserved", r.conserved());
    List<Object> steps = new ArrayList<>();
    for (StepStats s : r.steps()) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("name", s.name());
      step.put("in", s.in());
      step.put("out", s.out());
      step.put("dropped", s.dropped());
      if (s.repeated() != 0) {
        step.put("repeated", s.repeated());
      }
      if (!s.counted().isEmpty()) {
        step.put("counted", s.counted());
      }
      step.put("seconds", Math.round(s.nanos() / 1e6) / 1e3);
      steps.add(step);
    }
    m.put("steps", steps);
    if (!reports.isEmpty()) {
      m.put("global_steps", reports);
    }
    // A command's output file may be named relative to the working directory, its run folder not.
    Path root = folder.root().toAbsolutePath().normalize();
    m.put("shards", r.shards().stream()
        .map(p -> root.relativize(p.toAbsolutePath().normalize()).toString()).toList());
    m.putAll(sinkReports);
    AtomicFile.writeString(folder.stats(), Json.write(m) + "\n");
  }

  /** The result of the run finished in {@code run}, read back from its stats.json. */
  @SuppressWarnings("unchecked")
  static Runner.Result read(Path run) {
    Path statsFile = run.resolve("stats.json");
    Object parsed = Json.parseOrNull(RunFolder.textOrNull(statsFile));
    if (!(parsed instanceof Map<?, ?>)) {
      throw new RefineryException(statsFile + ": not the stats of a finished run; remove the "
          + "folder to start over");
    }
    Map<String, Object> m = (Map<String, Object>) parsed;
    List<StepStats> steps = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("steps", List.of())) {
      Map<String, Object> s = (Map<String, Object>) o;
      Map<String, Long> dropped = new LinkedHashMap<>();
      ((Map<String, Object>) s.getOrDefault("dropped", Map.of()))
          .forEach((k, v) -> dropped.put(k, ((Number) v).longValue()));
      Map<String, Long> counted = new LinkedHashMap<>();
      ((Map<String, Object>) s.getOrDefault("counted", Map.of()))
          .forEach((k, v) -> counted.put(k, ((Number) v).longValue()));
      double seconds = s.get("seconds") instanceof Number n ? n.doubleValue() : 0;
      steps.add(new StepStats((String) s.get("name"), number(s, "in"), number(s, "out"),
          dropped, Math.round(seconds * 1e9), counted, number(s, "repeated")));
    }
    List<Path> shards = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("shards", List.of())) {
      shards.add(run.resolve((String) o));
    }
    return new Runner.Result(number(m, "read"), number(m, "written"), number(m, "dropped"),
        number(m, "rejected"), number(m, "repeated"), steps, run, shards, true);
  }

  private static long number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.longValue() : 0;
  }
}
