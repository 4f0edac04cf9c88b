package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Drops what a global step decided, counted as that step's drops, and passes each kept sample
 * on as many times as the decision says (extra copies counted as the step's repeats).
 */
final class DecisionStep implements MapStep {
  private final String name;
  private final GlobalStep.PartitionDrops drops;
  private final long firstOrdinal;
  // A detail puts the row in rejects/ even without keep_dropped: asked only when it is kept.
  private final boolean details;

  DecisionStep(String name, GlobalStep.PartitionDrops drops, long firstOrdinal,
      boolean details) {
    this.name = name;
    this.drops = drops;
    this.firstOrdinal = firstOrdinal;
    this.details = details;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
    return new Iterator<>() {
      private long ordinal = firstOrdinal;
      private Sample current;
      private int left;
      private int copy;

      @Override
      public boolean hasNext() {
        while (left == 0 && samples.hasNext()) {
          Sample s = samples.next();
          long at = ordinal++;
          String reason = drops.dropReason(at);
          if (reason != null) {
            context.drop(s, reason, details ? drops.dropDetail(at) : null);
            continue;
          }
          int copies = drops.copies(at);
          if (copies < 1) {
            throw new IllegalStateException(name + ": " + copies + " copies of a kept row");
          }
          if (copies > 1) {
            context.repeated(s, copies - 1);
          }
          current = s;
          left = copies;
          copy = 0;
        }
        return left > 0;
      }

      @Override
      public Sample next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        left--;
        // Each extra copy is a row of its own: its id derives from the original's.
        int k = copy++;
        return k == 0 || current.id() == null ? current
            : current.withId(current.id().derive(k - 1));
      }
    };
  }
}
