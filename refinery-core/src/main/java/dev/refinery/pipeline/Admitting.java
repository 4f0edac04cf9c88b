package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/**
 * The iterator of a step that keeps, changes or drops each sample: {@code admit} returns the
 * sample to pass on (maybe changed) or null when it dropped it (having told the context why).
 */
final class Admitting implements Iterator<Sample> {
  private final Iterator<Sample> samples;
  private final UnaryOperator<Sample> admit;
  private Sample next;

  Admitting(Iterator<Sample> samples, UnaryOperator<Sample> admit) {
    this.samples = samples;
    this.admit = admit;
  }

  @Override
  public boolean hasNext() {
    while (next == null && samples.hasNext()) {
      next = admit.apply(samples.next());
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
}
