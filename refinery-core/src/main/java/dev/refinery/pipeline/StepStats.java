package dev.refinery.pipeline;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one step did over some partitions: samples in and out, drops by reason, time spent, and
 * what the step counted of the samples it passed on ({@code counted}: e.g. how many prompts a
 * prompt_template step changed). Values that add up, so partitions merge in any grouping.
 * {@code repeated} counts the extra copies a step passed on (a blend up-sampling a group by
 * epochs), so that every step satisfies {@code out = in - dropped + repeated}.
 */
public record StepStats(String name, long in, long out, Map<String, Long> dropped, long nanos,
                        Map<String, Long> counted, long repeated) {
  /** Drop reasons of requests that failed (a server error, a timeout): --resume sends them again. */
  public static final List<String> RETRIABLE = List.of(GenerateStep.FAILED, JudgeStep.FAILED);

  public StepStats {
    dropped = Collections.unmodifiableMap(new TreeMap<>(dropped));
    counted = Collections.unmodifiableMap(new TreeMap<>(counted == null ? Map.of() : counted));
  }

  public StepStats(String name, long in, long out, Map<String, Long> dropped, long nanos,
      Map<String, Long> counted) {
    this(name, in, out, dropped, nanos, counted, 0);
  }

  public StepStats(String name, long in, long out, Map<String, Long> dropped, long nanos) {
    this(name, in, out, dropped, nanos, Map.of(), 0);
  }

  public static StepStats empty(String name) {
    return new StepStats(name, 0, 0, Map.of(), 0);
  }

  public long droppedTotal() {
    return dropped.values().stream().mapToLong(Long::longValue).sum();
  }

  public StepStats plus(StepStats other) {
    if (!name.equals(other.name)) {
      throw new IllegalArgumentException("cannot add stats of " + other.name + " to " + name);
    }
    Map<String, Long> sum = new TreeMap<>(dropped);
    other.dropped.forEach((k, v) -> sum.merge(k, v, Long::sum));
    Map<String, Long> counts = new TreeMap<>(counted);
    other.counted.forEach((k, v) -> counts.merge(k, v, Long::sum));
    return new StepStats(name, in + other.in, out + other.out, sum, nanos + other.nanos, counts,
        repeated + other.repeated);
  }
}
