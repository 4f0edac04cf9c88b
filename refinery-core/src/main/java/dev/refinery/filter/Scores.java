package dev.refinery.filter;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a filter measured on one input, by name (e.g. {@code word_count}, {@code
 * dup_line_frac}), in the order the filter computed them. Kept apart from the keep/drop decision
 * so score-only runs can store them for later threshold tuning.
 */
public record Scores(Map<String, Double> values) implements Serializable {
  public static final Scores NONE = new Scores(Map.of());

  public Scores {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
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

  /** Collects scores in order. */
  public static final class Builder {
    private final Map<String, Double> values = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(String name, double value) {
      values.put(name, value);
      return this;
    }

    public Scores build() {
      return new Scores(values);
    }
  }
}
