package dev.refinery.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A {@link RowReader} whose rows a thread of its own reads ahead, in batches, while the caller
 * decodes the ones before: two cores on one file, for a file too large to share out (a Parquet
 * file of one row group). The caller sees the same rows, bad ones included, and the same
 * exceptions, in the same order.
 */
final class ReadAheadRowReader implements RowReader {
  static final int BATCH = 256;
  /** Batches read but not yet taken: a few hundred rows, whatever the file. */
  private static final int AHEAD = 4;
  private static final Object END = new Object();

  private final RowReader inner;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
  private final Thread thread;
  private RawRow[] batch;
  private int at;
  private boolean done;

  ReadAheadRowReader(RowReader inner) {
    this.inner = inner;
    this.thread = new Thread(this::readAll, "refinery-read-ahead");
    thread.setDaemon(true);
    thread.start();
  }

  private void readAll() {
    try {
      while (true) {
        RawRow[] rows = new RawRow[BATCH];
        int n = 0;
        RawRow row = null;
        while (n < BATCH && (row = inner.next()) != null) {
          rows[n++] = row;
        }
        if (n > 0) {
          queue.put(n == BATCH ? rows : Arrays.copyOf(rows, n));
        }
        if (row == null) {
          queue.put(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      // Closed before the end: nobody takes more.
    } catch (Throwable t) {
      try {
        queue.put(t);
      } catch (InterruptedException closed) {
        // Closed: nobody takes the error either.
      }
    }
  }

  @Override
  public RawRow next() throws IOException {
    while (batch == null || at == batch.length) {
      if (done) {
        return null;
      }
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading ahead", e);
      }
      if (item == END) {
        done = true;
        return null;
      }
      if (item instanceof Throwable t) {
        done = true;
        throw rethrown(t);
      }
      batch = (RawRow[]) item;
      at = 0;
    }
    return batch[at++];
  }

  /** The reading thread's failure, thrown here as it was thrown there. */
  private static IOException rethrown(Throwable t) {
    if (t instanceof IOException e) {
      return e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new UncheckedIOException(new IOException(t));
  }

  @Override
  public void close() throws IOException {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inner.close();
  }
}
