package dev.refinery.io;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Items a thread of its own produces a bounded number ahead of the caller, who takes them in
 * order: the second core's share of reading one large file (its rows, or a column's pages). The
 * caller also gets the producing thread's failure, at the point in the order where it happened.
 * Closing stops the thread and waits for it, so what it read into can be freed or reused.
 */
final class Ahead<T> implements AutoCloseable {
  /** Puts every item in order, then returns; a failure it throws reaches the caller. */
  interface Producer<T> {
    void produce(Queue<T> out) throws Exception;
  }

  /** Where a producer puts its items; blocks while the caller is {@code ahead} items behind. */
  interface Queue<T> {
    void put(T item) throws InterruptedException;
  }

  private static final Object END = new Object();

  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private boolean done;

  Ahead(String threadName, int ahead, Producer<T> producer) {
    this.queue = new ArrayBlockingQueue<>(ahead);
    this.thread = new Thread(() -> run(producer), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Producer<T> producer) {
    try {
      producer.produce(queue::put);
      queue.put(END);
    } catch (InterruptedException e) {
      // Closed before the end: nobody takes more.
    } catch (Throwable t) {
      try {
        queue.put(new Failure(t));
      } catch (InterruptedException closed) {
        // Closed: nobody takes the error either.
      }
    }
  }

  /** What the producing thread threw, handed over in its place in the order. */
  private record Failure(Throwable cause) {}

  /**
   * The next item, or null after the last. The producer's failure is thrown here: a
   * RuntimeException or Error as it was, anything else as an {@link Failed} around it.
   */
  @SuppressWarnings("unchecked")
  T take() throws InterruptedException {
    if (done) {
      return null;
    }
    Object item = queue.take();
    if (item == END) {
      done = true;
      return null;
    }
    if (item instanceof Failure f) {
      done = true;
      if (f.cause() instanceof RuntimeException e) {
        throw e;
      }
      if (f.cause() instanceof Error e) {
        throw e;
      }
      throw new Failed(f.cause());
    }
    return (T) item;
  }

  /** A checked exception of the producing thread (e.g. an IOException), its cause. */
  static final class Failed extends RuntimeException {
    Failed(Throwable cause) {
      super(cause);
    }
  }

  /** Stops the producing thread and waits for it (see {@link #stopped} if interrupted). */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the producing thread has ended: after {@link #close}, false only if interrupted. */
  boolean stopped() {
    return !thread.isAlive();
  }
}
