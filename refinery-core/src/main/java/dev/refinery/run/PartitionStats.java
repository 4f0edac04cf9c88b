package dev.refinery.run;

import dev.refinery.internal.Json;
import dev.refinery.pipeline.StepStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one stage did to one partition: records read (input stage only), rejected as undecodable,
 * written to the stage's output, each step's stats, and the bytes of dropped rows it wrote
 * ({@link DroppedFiles}). Saved beside the partition's output as its completion marker, so a
 * resumed run skips the partition and still has its numbers.
 */
record PartitionStats(long read, long rejected, long written, List<StepStats> steps,
                      long droppedBytes) {

  PartitionStats {
    steps = List.copyOf(steps);
  }

  PartitionStats(long read, long rejected, long written, List<StepStats> steps) {
    this(read, rejected, written, steps, 0);
  }

  String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("read", read);
    m.put("rejected", rejected);
    m.put("written", written);
    List<Object> list = new ArrayList<>();
    for (StepStats s : steps) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("name", s.name());
      step.put("in", s.in());
      step.put("out", s.out());
      step.put("dropped", s.dropped());
      step.put("nanos", s.nanos());
      if (!s.counted().isEmpty()) {
        step.put("counted", s.counted());
      }
      if (s.repeated() != 0) {
        step.put("repeated", s.repeated());
      }
      list.add(step);
    }
    m.put("steps", list);
    if (droppedBytes != 0) {
      m.put("dropped_bytes", droppedBytes);
    }
    return Json.write(m);
  }

  @SuppressWarnings("unchecked")
  static PartitionStats fromJson(String json) throws Exception {
    Map<String, Object> m = (Map<String, Object>) Json.parse(json);
    List<StepStats> steps = new ArrayList<>();
    for (Object o : (List<Object>) m.get("steps")) {
      Map<String, Object> s = (Map<String, Object>) o;
      Map<String, Long> dropped = new LinkedHashMap<>();
      ((Map<String, Object>) s.get("dropped")).forEach((k, v) -> dropped.put(k, (Long) v));
      Map<String, Long> counted = new LinkedHashMap<>();
      if (s.get("counted") instanceof Map<?, ?> c) {
        c.forEach((k, v) -> counted.put((String) k, (Long) v));
      }
      steps.add(new StepStats((String) s.get("name"), (Long) s.get("in"), (Long) s.get("out"),
          dropped, (Long) s.get("nanos"), counted,
          s.get("repeated") instanceof Long r ? r : 0L));
    }
    return new PartitionStats((Long) m.get("read"), (Long) m.get("rejected"),
        (Long) m.get("written"), steps,
        m.get("dropped_bytes") instanceof Long b ? b : 0L);
  }
}
