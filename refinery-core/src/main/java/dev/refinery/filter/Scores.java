package dev.refinery.filter;

import dev.refinery.internal.ArrayMap;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;

/**
 * What a filter measured on one input, by name (e.g. {@code word_count}, {@code
 * dup_line_frac}), in the order the filter computed them. Kept apart from the keep/drop decision
 * so score-only runs can store them for later threshold tuning.
 */
public record Scores(Map<String, Double> values) implements Serializable {
  public static final Scores NONE = new Scores(Map.of());

  // Filters score every row: a LinkedHashMap per row, built and then copied, was about 12 GB of
  // the curate example's allocations on 2.6M rows; two arrays are a fraction of that.
  public Scores {
    if (!(values instanceof ArrayMap<Double>)) {
      String[] names = values.keySet().toArray(new String[0]);
      Double[] scores = new Double[names.length];
      for (int i = 0; i < names.length; i++) {
        scores[i] = values.get(names[i]);
      }
      values = new ArrayMap<>(names, scores, null);
    }
  }

  public static Scores of(String name, double value) {
    return new Scores(Map.of(name, value));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The score of that name; throws when the filter did not compute it. */
  public double get(String name) {
    Double v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no score '" + name + "'; have " + values.keySet());
    }
    return v;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** Collects scores in order; a name put again keeps its place and takes the new value. */
  public static final class Builder {
    private String[] names = new String[8];
    private Double[] values = new Double[8];
    private int size;

    private Builder() {}

    public Builder put(String name, double value) {
      int at = size - 1;
      while (at >= 0 && !names[at].equals(name)) {
        at--;
      }
      if (at < 0) {
        if (size == names.length) {
          names = Arrays.copyOf(names, 2 * size);
          values = Arrays.copyOf(values, 2 * size);
        }
        at = size++;
        names[at] = name;
      }
      values[at] = value;
      return this;
    }

    public Scores build() {
      return new Scores(new ArrayMap<>(Arrays.copyOf(names, size), Arrays.copyOf(values, size),
          null));
    }
  }
}
