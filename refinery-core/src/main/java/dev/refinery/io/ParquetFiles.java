package dev.refinery.io;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;

/**
 * Parquet file facts from the footer, and readers over ranges of row groups for reading one file
 * in parallel. Errors are one-line {@link dev.refinery.RefineryException}s naming the file.
 */
public final class ParquetFiles {
  private ParquetFiles() {}

  /** The file's schema as written in its footer. */
  public static MessageType schemaOf(Path path) throws IOException {
    return ParquetRowReader.schemaOf(path);
  }

  /** How many row groups the file has. */
  public static int rowGroupCount(Path path) throws IOException {
    return ParquetRowReader.rowGroupCount(path);
  }

  /** Each row group's size in bytes, uncompressed (the work of decoding it), from the footer. */
  public static long[] rowGroupBytes(Path path) throws IOException {
    try (var r = ParquetRowReader.open(path)) {
      return r.getRowGroups().stream().mapToLong(g -> g.getTotalByteSize()).toArray();
    }
  }

  /** How many rows the file holds, from its footer. */
  public static long rowCount(Path path) throws IOException {
    try (var r = ParquetRowReader.open(path)) {
      return r.getRecordCount();
    }
  }

  /**
   * parquet-java's reader of the file, reading row groups straight into their buffers, with
   * one-line errors for files that are not (whole) Parquet.
   */
  public static ParquetFileReader open(Path path) throws IOException {
    return ParquetRowReader.open(path);
  }

  /**
   * A reader of row groups {@code first} to {@code first + count - 1} only (clipped to the file);
   * row locations keep the row groups' indexes in the whole file.
   */
  public static RowReader openRowGroups(Path path, int first, int count) throws IOException {
    return new ParquetRowReader(path, first, count);
  }
}
