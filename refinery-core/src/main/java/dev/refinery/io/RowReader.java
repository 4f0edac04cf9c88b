package dev.refinery.io;

import java.io.Closeable;
import java.io.IOException;

/**
 * Streams the records of one file. A record that cannot be decoded comes back as a bad {@link
 * RawRow} so that the caller decides whether to stop or go on; a file that cannot be read at all
 * (not Parquet, truncated footer, unreadable) throws a {@link dev.refinery.RefineryException}.
 */
public interface RowReader extends Closeable {
  /** The next record, or null at the end of the file. */
  RawRow next() throws IOException;

  @Override
  void close() throws IOException;
}
