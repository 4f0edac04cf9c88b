package dev.refinery.pipeline;

import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import java.util.Iterator;

/**
 * Gives a row without a uuid its {@link ContentUuid} (a hash of its content), so a converted
 * dataset has a uuid on every row and the same input always gives the same bytes out.
 */
record ContentUuidStep() implements MapStep {
  @Override
  public String name() {
    return "content_uuid";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return samples.hasNext();
      }

      @Override
      public Sample next() {
        Sample s = samples.next();
        return s.uuid() == null ? s.withUuid(ContentUuid.of(s)) : s;
      }
    };
  }
}
