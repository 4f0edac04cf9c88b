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
  /** Rings of a closed reader, for the next one: a few MB each, so only a couple are kept. */
  private static final BlockingQueue<OneShotZstd.Ring> IDLE =
      new ArrayBlockingQueue<>(2);

  private final PageReader inner;
  private final DictionaryPage dictionary;
  private final OneShotZstd.Ring ring;
  private final Ahead<DataPage> pages;

  PagesAhead(PageReader inner) {
    this.inner = inner;
    // Before the thread starts: the inner reader is never used by two threads at once.
    this.dictionary = inner.readDictionaryPage();
    OneShotZstd.Ring idle = IDLE.poll();
    // The caller reads page n while it still holds page n - 1 (a turn is measured before the
    // column moves on, but the page stays current until then); AHEAD more wait in the queue,
    // one is being decompressed.
    this.ring = idle != null ? idle : new OneShotZstd.Ring(AHEAD + 3);
    this.pages = new Ahead<>("refinery-pages-ahead", AHEAD, out -> {
      OneShotZstd.RING.set(ring);
      DataPage page;
      while ((page = inner.readPage()) != null) {
        out.put(page);
      }
    });
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
    try {
      return pages.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading pages ahead", e);
    } catch (Ahead.Failed e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Stops the reading thread and waits for it, so the row group's buffers can be freed. */
  @Override
  public void close() {
    pages.close();
    if (pages.stopped()) {
      // Interrupted while waiting, the thread may still write into the ring: not for another.
      IDLE.offer(ring);
    }
  }
}
