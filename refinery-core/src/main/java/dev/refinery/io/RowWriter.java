package dev.refinery.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;

/** Writes records, given as plain JSON-like values, to one file. */
public interface RowWriter extends Closeable {
  /**
   * Writes one record. Throws {@link RowSchemaMismatchException} without writing anything when the
   * record does not fit a fixed output schema (Parquet), so the caller can reject it.
   */
  void write(Map<String, Object> row) throws IOException;

  @Override
  void close() throws IOException;
}
