package dev.refinery.cli;

import dev.refinery.run.Runner;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how a run goes: a progress bar with rows/s and ETA on a terminal, plain log lines (at most
 * one every 10 seconds) otherwise, so CI logs stay readable.
 */
final class ProgressDisplay implements Runner.Progress {
  private final PrintWriter err;
  private final boolean terminal;
  private final AtomicLong rows = new AtomicLong();
  private volatile ProgressBar bar;
  private volatile long started;
  private volatile long lastLog;
  private volatile long expected = -1;

  private final boolean messages;

  private ProgressDisplay(PrintWriter err, boolean terminal, boolean messages) {
    this.err = err;
    this.terminal = terminal;
    this.messages = messages;
  }

  static ProgressDisplay forStderr(PrintWriter err) {
    return new ProgressDisplay(err, System.console() != null, true);
  }

  /**
   * Progress without the run's log lines (they stay in the run folder's run.log): for commands,
   * whose output is their one summary line.
   */
  static ProgressDisplay quiet(PrintWriter err) {
    return new ProgressDisplay(err, System.console() != null, false);
  }

  @Override
  public void start(long expectedRows) {
    expected = expectedRows;
    started = System.nanoTime();
    lastLog = started;
    if (terminal) {
      bar = new ProgressBarBuilder().setTaskName("rows").setInitialMax(expectedRows)
          .setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(500).build();
    }
  }

  @Override
  public void rows(long delta) {
    long now = rows.addAndGet(delta);
    ProgressBar b = bar;
    if (b != null) {
      b.stepBy(delta);
      return;
    }
    long t = System.nanoTime();
    if (t - lastLog > 10_000_000_000L) {
      lastLog = t;
      double seconds = (t - started) / 1e9;
      double rate = now / Math.max(seconds, 1e-9);
      String eta = expected > 0 && rate > 0
          ? String.format(Locale.ROOT, ", ETA %.0f s", (expected - now) / rate) : "";
      synchronized (err) {
        err.println(String.format(Locale.ROOT, "progress: %,d rows%s, %.0f rows/s%s", now,
            expected > 0 ? String.format(Locale.ROOT, " of %,d", expected) : "", rate, eta));
        err.flush();
      }
    }
  }

  @Override
  public void message(String line) {
    if (messages && bar == null) {
      synchronized (err) {
        err.println(line);
        err.flush();
      }
    }
  }

  @Override
  public void finish() {
    ProgressBar b = bar;
    if (b != null) {
      b.close();
      bar = null;
    }
  }
}
