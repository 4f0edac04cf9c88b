package dev.refinery.io;

import java.io.IOException;
import java.nio.file.Path;

/** Placeholder until the Parquet reader lands. */
final class ParquetRowReader implements RowReader {
  ParquetRowReader(Path path) throws IOException {
    throw new UnsupportedOperationException("Parquet reading is not written yet");
  }

  @Override
  public RawRow next() {
    return null;
  }

  @Override
  public void close() {}
}
