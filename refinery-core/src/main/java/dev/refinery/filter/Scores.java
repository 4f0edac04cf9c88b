package dev.refinery.filter;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * What a filter measured on one input, by name (e.g. {@code word_count}, {@code
 * dup_line_frac}), in the order the filter computed them. Kept apart from the keep/drop decision
 * so score-only runs can store them for later threshold tuning.
 */
public record Scores(Map<String, Double> values) implements Serializable {
  public static final Scores NONE = new Scores(Map.of());

  public Scores {
    values = values instanceof Ordered ordered ? ordered : Ordered.copyOf(values);
  }

  public static Scores of(String name, double value) {
    return new Scores(Map.of(name, value));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The score of that name; throws when the filter did not compute it. */
  public double get(String name) {
    Ordered scores = (Ordered) values;
    int at = Ordered.indexOf(scores.names, scores.names.length, name);
    if (at < 0) {
      throw new IllegalArgumentException("no score '" + name + "'; have " + values.keySet());
    }
    return scores.values[at];
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** Collects scores in order; a name put again keeps its place and takes the new value. */
  public static final class Builder {
    private String[] names = new String[8];
    private double[] values = new double[8];
    private int size;

    private Builder() {}

    public Builder put(String name, double value) {
      int at = Ordered.indexOf(names, size, name);
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
      return new Scores(new Ordered(Arrays.copyOf(names, size), Arrays.copyOf(values, size)));
    }
  }

  /**
   * An unmodifiable map of scores in the order computed, held as two arrays: filters score every
   * row, and a LinkedHashMap per row (built, then copied) was about 12 GB of the curate example's
   * allocations on 2.6M rows. A filter has a handful of scores, so lookups scan.
   */
  private static final class Ordered extends AbstractMap<String, Double> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] names;
    private final double[] values;

    Ordered(String[] names, double[] values) {
      this.names = names;
      this.values = values;
    }

    static Ordered copyOf(Map<String, Double> map) {
      String[] names = new String[map.size()];
      double[] values = new double[map.size()];
      int i = 0;
      for (Map.Entry<String, Double> e : map.entrySet()) {
        names[i] = e.getKey();
        values[i] = e.getValue();
        i++;
      }
      return new Ordered(names, values);
    }

    static int indexOf(String[] names, int size, Object name) {
      for (int i = 0; i < size; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public int size() {
      return names.length;
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(names, names.length, key) >= 0;
    }

    @Override
    public Double get(Object key) {
      int at = indexOf(names, names.length, key);
      return at < 0 ? null : values[at];
    }

    @Override
    public Set<Map.Entry<String, Double>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return names.length;
        }

        @Override
        public Iterator<Map.Entry<String, Double>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < names.length;
            }

            @Override
            public Map.Entry<String, Double> next() {
              if (next >= names.length) {
                throw new NoSuchElementException();
              }
              int at = next++;
              return new AbstractMap.SimpleImmutableEntry<>(names[at], values[at]);
            }
          };
        }
      };
    }
  }
}
