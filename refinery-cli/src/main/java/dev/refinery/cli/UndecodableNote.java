package dev.refinery.cli;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.Rejected;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts undecodable records for commands that go on past them (stats, validate, show) and
 * remembers the first, so the run can say where to look: "2 undecodable records (first:
 * data.jsonl:7: invalid JSON: ...); --rejects FILE keeps them". Thread safe.
 */
final class UndecodableNote implements RejectHandler {
  private final RejectHandler next;
  private final AtomicLong count = new AtomicLong();
  private final AtomicReference<Rejected> first = new AtomicReference<>();

  UndecodableNote(RejectHandler next) {
    this.next = next;
  }

  @Override
  public void reject(Rejected rejected) {
    count.incrementAndGet();
    first.compareAndSet(null, rejected);
    next.reject(rejected);
  }

  /** Prints the note to {@code err} when there was anything undecodable. */
  void print(PrintWriter err, boolean keptInRejects) {
    long n = count.get();
    if (n == 0) {
      return;
    }
    err.println("warning: " + n + " undecodable record" + (n == 1 ? "" : "s") + " (first: "
        + first.get().describe() + ")" + (keptInRejects ? "" : "; --rejects FILE keeps them"));
    err.flush();
  }
}
