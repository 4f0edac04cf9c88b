package dev.refinery.run;

import dev.refinery.sample.Sample;
import java.util.Iterator;

/** Counts rows for progress as the input stage reads them. */
final class CountingProgress implements Iterator<Sample> {
  private final Iterator<Sample> source;
  private final Runner.Progress progress;
  private int pending;

  CountingProgress(Iterator<Sample> source, Runner.Progress progress) {
    this.source = source;
    this.progress = progress;
  }

  @Override
  public boolean hasNext() {
    boolean more = source.hasNext();
    if (!more && pending > 0) {
      progress.rows(pending);
      pending = 0;
    }
    return more;
  }

  @Override
  public Sample next() {
    Sample s = source.next();
    if (++pending == 1024) {
      progress.rows(pending);
      pending = 0;
    }
    return s;
  }
}
