package dev.refinery.filter;

import dev.refinery.internal.Errors;
import java.io.Serializable;
import java.util.List;

/**
 * One parameter of a filter or step: its name as written in the pipeline YAML, its type, its
 * default (null when required), a one-line description, and for numbers the range of values it
 * takes, so a pipeline describes itself ({@code refinery steps}) and a bad value is an error,
 * found when the pipeline is read, that names the valid ones.
 */
public record Param(String name, Type type, Object defaultValue, String description,
                    List<String> choices, Range range) {

  /**
   * PATH: a string naming a file, resolved against the pipeline file's folder when it exists
   * there or contains a path separator (a bare name such as {@code cl100k_base} stays as it is).
   */
  public enum Type { INT, DOUBLE, BOOLEAN, STRING, STRING_LIST, DOUBLE_MAP, STRING_MAP, PATH }

  public Param {
    choices = choices == null ? List.of() : List.copyOf(choices);
    if (range != null && defaultValue instanceof Number n && !range.contains(n.doubleValue())) {
      throw new IllegalStateException(name + ": default " + n + " is not " + range);
    }
  }

  public static Param of(String name, Type type, Object defaultValue, String description) {
    return new Param(name, type, defaultValue, description, List.of(), null);
  }

  public static Param choice(String name, String defaultValue, String description,
      String... choices) {
    return new Param(name, Type.STRING, defaultValue, description, List.of(choices), null);
  }

  /** This parameter taking values from {@code min} up (for a map of numbers: each value). */
  public Param atLeast(double min) {
    return withRange(new Range(min, false, null, false));
  }

  /** This parameter taking values greater than {@code min}, not {@code min} itself. */
  public Param above(double min) {
    return withRange(new Range(min, true, null, false));
  }

  /** This parameter taking values from {@code min} to {@code max}, both included. */
  public Param between(double min, double max) {
    return withRange(new Range(min, false, max, false));
  }

  /** This parameter taking values greater than {@code min} up to {@code max} included. */
  public Param aboveUpTo(double min, double max) {
    return withRange(new Range(min, true, max, false));
  }

  /** A number that may take any value (a seed): said explicitly, as every number says its range. */
  public Param anyValue() {
    return withRange(new Range(null, false, null, false));
  }

  private Param withRange(Range r) {
    if (!numeric()) {
      throw new IllegalStateException(name + ": only numbers have a range");
    }
    return new Param(name, type, defaultValue, description, choices, r);
  }

  public boolean required() {
    return defaultValue == null;
  }

  /** True when the parameter holds numbers: an integer, a number or a map of numbers. */
  public boolean numeric() {
    return type == Type.INT || type == Type.DOUBLE || type == Type.DOUBLE_MAP;
  }

  /** The values a number may take: a lower and an upper end, each optional, open or closed. */
  public record Range(Double min, boolean minOpen, Double max, boolean maxOpen)
      implements Serializable {

    /** False for {@link Param#anyValue()}: no end to name. */
    public boolean bounded() {
      return min != null || max != null;
    }

    public boolean contains(double v) {
      if (!Double.isFinite(v)) {
        return false;
      }
      if (min != null && (minOpen ? v <= min : v < min)) {
        return false;
      }
      return max == null || (maxOpen ? v < max : v <= max);
    }

    /** For messages: "from 1 to 4096", "in (0, 1]", ">= 0", "> 0", "any". */
    @Override
    public String toString() {
      if (min != null && max != null) {
        return minOpen || maxOpen
            ? "in " + (minOpen ? "(" : "[") + Errors.number(min) + ", " + Errors.number(max)
                + (maxOpen ? ")" : "]")
            : "from " + Errors.number(min) + " to " + Errors.number(max);
      }
      if (min != null) {
        return (minOpen ? "> " : ">= ") + Errors.number(min);
      }
      if (max != null) {
        return (maxOpen ? "< " : "<= ") + Errors.number(max);
      }
      return "any";
    }
  }
}
