package dev.refinery.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

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

  private final RowReader inner;
  private final Ahead<RawRow[]> batches;
  private RawRow[] batch;
  private int at;

  ReadAheadRowReader(RowReader inner) {
    this.inner = inner;
    this.batches = new Ahead<>("refinery-read-ahead", AHEAD, out -> {
      while (true) {
        RawRow[] rows = new RawRow[BATCH];
        int n = 0;
        RawRow row = null;
        while (n < BATCH && (row = inner.next()) != null) {
          rows[n++] = row;
        }
        if (n > 0) {
          out.put(n == BATCH ? rows : Arrays.copyOf(rows, n));
        }
        if (row == null) {
          return;
        }
      }
    });
  }

  @Override
  public RawRow next() throws IOException {
    while (batch == null || at == batch.length) {
      RawRow[] next;
      try {
        next = batches.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading ahead", e);
      } catch (Ahead.Failed e) {
        // The reading thread's checked failure, thrown here as it was thrown there.
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw new UncheckedIOException(new IOException(e.getCause()));
      }
      if (next == null) {
        return null;
      }
      batch = next;
      at = 0;
    }
    return batch[at++];
  }

  @Override
  public void close() throws IOException {
    batches.close();
    inner.close();
  }
}
