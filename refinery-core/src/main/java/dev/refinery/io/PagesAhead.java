package dev.refinery.io;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;

/**
 * A column chunk's pages read (and so decompressed) on a thread of their own, a few pages ahead
 * of the caller: the second core's share of one large row group, where decompressing the text
 * column is about half the work. The caller gets the same pages in the same order, and the
 * reading thread's failure as its own.
 *
 * <p>ZSTD pages are decompressed into a ring of reused arrays ({@link OneShotZstd.Ring}): the
 * caller must be done with page n once it has asked for page n + 2.
 */
final class PagesAhead implements PageReader, AutoCloseable {
  private static final int AHEAD = 4;
  private static final Object END = new Object();
  /** Rings of a closed reader, for the next one: a few MB each, so only a couple are kept. */
  private static final BlockingQueue<OneShotZstd.Ring> IDLE =
      new ArrayBlockingQueue<>(2);

  private final PageReader inner;
  private final DictionaryPage dictionary;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
  private final Thread thread;
  private final OneShotZstd.Ring ring;
  private boolean done;

  PagesAhead(PageReader inner) {
    this.inner = inner;
    // Before the thread starts: the inner reader is never used by two threads at once.
    this.dictionary = inner.readDictionaryPage();
    OneShotZstd.Ring idle = IDLE.poll();
    // The caller reads page n while it still holds page n - 1 (a turn is measured before the
    // column moves on, but the page stays current until then); AHEAD more wait in the queue,
    // one is being decompressed.
    this.ring = idle != null ? idle : new OneShotZstd.Ring(AHEAD + 3);
    this.thread = new Thread(this::readAll, "refinery-pages-ahead");
    thread.setDaemon(true);
    thread.start();
  }

  private void readAll() {
    OneShotZstd.RING.set(ring);
    try {
      DataPage page;
      while ((page = inner.readPage()) != null) {
        queue.put(page);
      }
      queue.put(END);
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
  public DictionaryPage readDictionaryPage() {
    return dictionary;
  }

  @Override
  public long getTotalValueCount() {
    return inner.getTotalValueCount();
  }

  @Override
  public DataPage readPage() {
    if (done) {
      return null;
    }
    Object item;
    try {
      item = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading pages ahead", e);
    }
    if (item == END) {
      done = true;
      return null;
    }
    if (item instanceof RuntimeException e) {
      done = true;
      throw e;
    }
    if (item instanceof Error e) {
      done = true;
      throw e;
    }
    if (item instanceof Throwable t) {
      done = true;
      throw new IllegalStateException(t);
    }
    return (DataPage) item;
  }

  /** Stops the reading thread and waits for it, so the row group's buffers can be freed. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // the thread may still write into the ring: not for another reader
    }
    IDLE.offer(ring);
  }
}
