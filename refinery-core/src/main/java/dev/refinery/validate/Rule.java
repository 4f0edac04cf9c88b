package dev.refinery.validate;

import dev.refinery.sample.Sample;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One named quality check over a single well-formed {@link Sample}. Rules are stateless and
 * thread safe; the same instance checks every partition.
 */
public interface Rule {
  /** A stable snake_case name, the key in reports. */
  String id();

  /** One line for a person: what breaking the rule means. */
  String description();

  /** True when the sample breaks the rule. */
  boolean breaks(Sample sample);

  static Rule of(String id, String description, Predicate<Sample> breaks) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(breaks, "breaks");
    return new Rule() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public boolean breaks(Sample sample) {
        return breaks.test(sample);
      }

      @Override
      public String toString() {
        return id;
      }
    };
  }
}
