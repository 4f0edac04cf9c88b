package dev.refinery.validate;

import java.util.ArrayList;
import java.util.List;

/**
 * How many samples broke one rule, and the first few of them in input order (their uuid, or where
 * they were read when they have none).
 */
public record RuleTally(String description, long count, List<String> examples) {
  public static final int MAX_EXAMPLES = 5;

  public RuleTally {
    examples = List.copyOf(examples.size() > MAX_EXAMPLES
        ? examples.subList(0, MAX_EXAMPLES) : examples);
  }

  public static RuleTally none(String description) {
    return new RuleTally(description, 0, List.of());
  }

  /** This tally followed by {@code later}: counts add, examples keep input order. */
  public RuleTally plus(RuleTally later) {
    if (later.count == 0) {
      return this;
    }
    List<String> merged = new ArrayList<>(examples);
    for (String e : later.examples) {
      if (merged.size() == MAX_EXAMPLES) {
        break;
      }
      merged.add(e);
    }
    return new RuleTally(description, count + later.count, merged);
  }
}
