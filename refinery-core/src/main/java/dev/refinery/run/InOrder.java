package dev.refinery.run;

import dev.refinery.RefineryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
      stop(pool);
    }
  }

  /**
   * Interrupts the tasks still running and waits for them to end: a run that failed must not
   * return while its other workers still write into its folder (a caller may resume it, or
   * remove it, at once).
   */
  private static void stop(ExecutorService pool) {
    pool.shutdownNow();
    try {
      // Bounded: a task deaf to interrupts (a request in flight) writes to temp files only.
      pool.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Maps a stream lazily on {@code threads} threads: each {@code next()} returns the result of the
   * next input, in input order. Inputs are pulled from {@code source} on the caller's thread, at
   * most two per thread ahead of the oldest unconsumed result, so a pulling consumer (a packer)
   * sees exactly the results of a sequential map, whatever the number of threads. Close it to stop
   * the threads early.
   */
  public static <T, R> Mapped<R> map(Iterator<T> source, int threads,
      java.util.function.Function<T, R> task) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    return new Mapped<>(source, threads, task);
  }

  /** The lazily mapped results of {@link #map}, in input order. */
  public static final class Mapped<R> implements Iterator<R>, AutoCloseable {
    private final Iterator<?> source;
    private final java.util.function.Function<Object, R> task;
    private final int ahead;
    private final ExecutorService pool;
    private final Deque<Future<R>> running = new ArrayDeque<>();

    @SuppressWarnings("unchecked")
    private <T> Mapped(Iterator<T> source, int threads, java.util.function.Function<T, R> task) {
      this.source = source;
      this.task = (java.util.function.Function<Object, R>) task;
      this.ahead = 2 * threads;
      this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "refinery-worker");
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    public boolean hasNext() {
      if (pool == null) {
        return source.hasNext();
      }
      while (running.size() < ahead && source.hasNext()) {
        Object input = source.next();
        running.add(pool.submit(() -> task.apply(input)));
      }
      return !running.isEmpty();
    }

    @Override
    public R next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (pool == null) {
        return task.apply(source.next());
      }
      try {
        return await(running.removeFirst());
      } catch (RuntimeException | Error e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      if (pool != null) {
        running.forEach(f -> f.cancel(true));
        running.clear();
        stop(pool);
      }
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

  /** 0, 1, ..., n - 1: the indexes of n partitions, as tasks of {@link #run}. */
  public static List<Integer> indexes(int n) {
    List<Integer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(i);
    }
    return list;
  }
}
