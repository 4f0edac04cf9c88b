package dev.refinery.run;

import dev.refinery.RefineryException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs one task per partition on a pool of threads and hands the results over in partition order,
 * so whatever is folded from them is the same on 1 thread or 64. At most two tasks per thread run
 * ahead of the oldest unfinished one: finished but unconsumed results never pile up, however many
 * partitions there are.
 */
public final class InOrder {
  private InOrder() {}

  /** A task over the partition at {@code index}. */
  @FunctionalInterface
  public interface Task<T, R> {
    R run(int index, T partition);
  }

  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs {@code task} on every partition and passes each result to {@code consumer} in partition
   * order, on the calling thread. A task's exception stops the run and is rethrown as is.
   */
  public static <T, R> void run(List<T> partitions, int threads, Task<T, R> task,
      Consumer<R> consumer) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (partitions.size() <= 1 || threads == 1) {
      for (int i = 0; i < partitions.size(); i++) {
        consumer.accept(task.run(i, partitions.get(i)));
      }
      return;
    }
    int poolSize = Math.min(threads, partitions.size());
    ExecutorService pool = Executors.newFixedThreadPool(poolSize, r -> {
      Thread t = new Thread(r, "refinery-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      Deque<Future<R>> running = new ArrayDeque<>();
      int next = 0;
      while (next < partitions.size() || !running.isEmpty()) {
        while (next < partitions.size() && running.size() < 2 * poolSize) {
          int index = next++;
          T partition = partitions.get(index);
          running.add(pool.submit(() -> task.run(index, partition)));
        }
        consumer.accept(await(running.removeFirst()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static <R> R await(Future<R> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RefineryException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
