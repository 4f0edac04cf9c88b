package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Passes each row on as many times as {@link #copies} says, the extras counted as {@link
 * StepContext#repeated} so the run's conservation arithmetic adds up. The first copy keeps the
 * row's id; copy {@code k >= 1} gets {@code id.derive(k - 1)}, so every copy has its own id and
 * the same row gets the same ids in every run.
 */
public abstract class Copies implements Iterator<Sample> {
  private final Iterator<Sample> rows;
  private final StepContext context;
  private Sample current;
  private int left;
  private int copy;

  protected Copies(Iterator<Sample> rows, StepContext context) {
    this.rows = rows;
    this.context = context;
  }

  /** How many times {@code row} goes on; 0 skips it (having dropped it, if it is to be counted). */
  protected abstract int copies(Sample row);

  @Override
  public final boolean hasNext() {
    while (left == 0 && rows.hasNext()) {
      Sample s = rows.next();
      int copies = copies(s);
      if (copies == 0) {
        continue;
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
  public final Sample next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    left--;
    int k = copy++;
    return k == 0 ? current : current.withId(current.id().derive(k - 1));
  }
}
