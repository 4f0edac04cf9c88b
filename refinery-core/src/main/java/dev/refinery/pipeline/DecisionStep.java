package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Drops what a global step decided, counted as that step's drops. */
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
      private Sample next;

      @Override
      public boolean hasNext() {
        while (next == null && samples.hasNext()) {
          Sample s = samples.next();
          long at = ordinal++;
          String reason = drops.dropReason(at);
          if (reason != null) {
            context.drop(s, reason, details ? drops.dropDetail(at) : null);
            continue;
          }
          next = s;
        }
        return next != null;
      }

      @Override
      public Sample next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Sample s = next;
        next = null;
        return s;
      }
    };
  }
}
