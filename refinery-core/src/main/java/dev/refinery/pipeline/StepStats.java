package dev.refinery.pipeline;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one step did over some partitions: samples in and out, drops by reason, and time spent.
 * Values that add up, so partitions merge in any grouping.
 */
public record StepStats(String name, long in, long out, Map<String, Long> dropped, long nanos) {

  public StepStats {
    dropped = Collections.unmodifiableMap(new TreeMap<>(dropped));
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
    return new StepStats(name, in + other.in, out + other.out, sum, nanos + other.nanos);
  }
}
