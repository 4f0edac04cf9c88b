package dev.refinery.run;

import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * How a run stops on Ctrl-C or SIGTERM: a shutdown hook asks it to, every checkpoint of a worker
 * task or of the run thread then throws {@link Runner.Stopped}, and once the workers have let
 * go of their files the clean-up runs, once.
 */
public final class Stops {
  private final Path run;
  private final Runnable cleanUp;
  /** Why the run must stop (a signal), or null; every checkpoint looks. */
  private volatile String stopping;
  /** Tasks running on worker threads, so a stop can wait for them to let go of their files. */
  private final AtomicInteger active = new AtomicInteger();
  /** Counted down when the run thread has finished, stopped or failed, and cleaned up. */
  private final CountDownLatch over = new CountDownLatch(1);
  private final AtomicBoolean stopHandled = new AtomicBoolean();

  /** {@code cleanUp} runs after a stop, when no worker task holds a file any more. */
  public Stops(Path run, Runnable cleanUp) {
    this.run = run;
    this.cleanUp = cleanUp;
  }

  /** Runs the run's body with the shutdown hook installed. */
  <R> R run(Supplier<R> body) {
    Thread hook = new Thread(this::stopBySignal, "refinery-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return body.get();
    } catch (Runner.Stopped e) {
      afterStop();
      throw e;
    } finally {
      over.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting (the hook is running): nothing to remove.
      }
    }
  }

  /**
   * The shutdown hook: Ctrl-C or SIGTERM arrived. Workers stop at their next checkpoint; the run
   * thread then removes temp files, logs the stop and tells {@link Runner.Options#onStop}. A
   * step that does not reach a checkpoint (a long global decision) is given a few seconds, then
   * the same clean-up happens from here; finished partitions are kept either way, so --resume
   * goes on.
   */
  private void stopBySignal() {
    stopping = "stopped by a signal (Ctrl-C or SIGTERM)";
    try {
      if (over.await(5, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    afterStop();
  }

  private void afterStop() {
    if (!stopHandled.compareAndSet(false, true)) {
      return;
    }
    // Workers leave at their next row; wait (briefly) until none holds a file open.
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (active.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    cleanUp.run();
  }

  /**
   * Throws {@link Runner.Stopped} when a signal asked the run to stop; a test seam may pause
   * here.
   */
  public void checkpoint() {
    RunFolder.checkpoint();
    if (stopping != null) {
      throw new Runner.Stopped(run + ": " + stopping);
    }
  }

  /** A worker task, counted while it runs so that a stop can wait for it. */
  public <T, R> InOrder.Task<T, R> tracked(InOrder.Task<T, R> task) {
    return (index, partition) -> {
      active.incrementAndGet();
      try {
        checkpoint();
        return task.run(index, partition);
      } finally {
        active.decrementAndGet();
      }
    };
  }

  /** Passes samples on, stopping at a checkpoint every 64 of them. */
  public Iterator<Sample> checked(Iterator<Sample> source) {
    return new Iterator<>() {
      private int count;

      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public Sample next() {
        if ((count++ & 63) == 0) {
          checkpoint();
        }
        return source.next();
      }
    };
  }
}
