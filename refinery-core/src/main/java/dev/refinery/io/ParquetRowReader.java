package dev.refinery.io;

import dev.refinery.RefineryException;
import dev.refinery.internal.Errors;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Streams the rows of a Parquet file, or of a range of its row groups, one row group in memory at
 * a time. Rows are built as plain JSON-like values by {@link ParquetRowMaterializer}; a row with
 * invalid UTF-8 comes back bad, naming the column, and reading goes on. A file that is not Parquet
 * or whose footer cannot be read, and a row group that cannot be decoded, throw a one-line {@link
 * RefineryException} naming the file (and row group).
 */
final class ParquetRowReader implements RowReader {
  private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
  private static final byte[] ENCRYPTED_MAGIC = {'P', 'A', 'R', 'E'};

  private final String fileName;
  private final ParquetFileReader reader;
  private final List<BlockMetaData> rowGroups;
  private final MessageColumnIO columnIO;
  private final ParquetRowMaterializer materializer;
  private final int endRowGroup;
  /** Each row group's first row's index in the file: positions do not depend on the range. */
  private final long[] firstRow;
  private int nextRowGroup;
  private int rowGroup = -1;
  private PageReadStore pages;
  private RecordReader<Map<String, Object>> records;
  private long rowsInGroup;
  private long row;
  private long budgetHeld;

  ParquetRowReader(Path path) throws IOException {
    this(path, 0, Integer.MAX_VALUE);
  }

  /**
   * Reads only row groups {@code firstRowGroup} to {@code firstRowGroup + rowGroupCount - 1}
   * (clipped to the file); locations keep the row groups' indexes in the whole file.
   */
  ParquetRowReader(Path path, int firstRowGroup, int rowGroupCount) throws IOException {
    if (firstRowGroup < 0 || rowGroupCount < 0) {
      throw new IllegalArgumentException("negative row group range");
    }
    this.fileName = path.toString();
    this.reader = open(path);
    try {
      this.rowGroups = reader.getRowGroups();
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      this.columnIO = new ColumnIOFactory(false).getColumnIO(schema);
      this.materializer = new ParquetRowMaterializer(schema);
    } catch (RuntimeException e) {
      reader.close();
      throw new RefineryException(fileName + ": unsupported Parquet schema: " + Errors.firstLine(e), e);
    }
    this.firstRow = new long[rowGroups.size()];
    for (int g = 1; g < firstRow.length; g++) {
      firstRow[g] = firstRow[g - 1] + rowGroups.get(g - 1).getRowCount();
    }
    this.nextRowGroup = Math.min(firstRowGroup, rowGroups.size());
    this.endRowGroup = (int) Math.min(rowGroups.size(), (long) firstRowGroup + rowGroupCount);
  }

  /** The number of row groups in a Parquet file. */
  static int rowGroupCount(Path path) throws IOException {
    try (ParquetFileReader r = open(path)) {
      return r.getRowGroups().size();
    }
  }

  /** The schema of a Parquet file, from its footer. */
  static MessageType schemaOf(Path path) throws IOException {
    try (ParquetFileReader r = open(path)) {
      return r.getFooter().getFileMetaData().getSchema();
    }
  }

  /** Opens a file's footer, with one-line errors for files that are not (whole) Parquet. */
  static ParquetFileReader open(Path path) throws IOException {
    return open(path, false);
  }

  /**
   * {@link #open(Path)}; with {@code pooled}, row groups are read into buffers of {@link
   * HeapBufferPool#SHARED}, for a caller that keeps no reference into a row group once it closes
   * it (values are copied or measured, never kept).
   */
  static ParquetFileReader open(Path path, boolean pooled) throws IOException {
    String name = path.toString();
    long size = Files.size(path);
    if (size == 0) {
      throw new RefineryException(name + ": not a Parquet file (empty file)");
    }
    byte[] head = new byte[4];
    byte[] tail = new byte[4];
    try (SeekableByteChannel ch = Files.newByteChannel(path)) {
      readFully(ch, 0, head, (int) Math.min(4, size));
      if (size >= 8) {
        readFully(ch, size - 4, tail, 4);
      }
    }
    if (size < 4 || !java.util.Arrays.equals(head, MAGIC)) {
      if (java.util.Arrays.equals(head, ENCRYPTED_MAGIC)) {
        throw new RefineryException(name + ": encrypted Parquet files are not supported");
      }
      throw new RefineryException(name + ": not a Parquet file (bad magic bytes)");
    }
    if (size < 12 || !java.util.Arrays.equals(tail, MAGIC)) {
      throw new RefineryException(name
          + ": truncated or corrupt Parquet file: it does not end with a footer (PAR1 magic bytes)");
    }
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    ParquetReadOptions.Builder builder = ParquetReadOptions.builder(conf)
        .withCodecFactory(new OneShotZstd(ParquetReadOptions.builder(conf).build().getCodecFactory()));
    if (pooled) {
      builder.withAllocator(HeapBufferPool.SHARED);
    }
    ParquetReadOptions options = builder.build();
    try {
      return ParquetFileReader.open(new LocalParquetFile(path), options);
    } catch (IOException | RuntimeException e) {
      throw new RefineryException(name + ": truncated or corrupt Parquet file: cannot read the footer: "
          + Errors.firstLine(e), e);
    }
  }

  private static void readFully(SeekableByteChannel ch, long position, byte[] into, int length)
      throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(into, 0, length);
    ch.position(position);
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        break;
      }
    }
  }


  @Override
  public RawRow next() throws IOException {
    while (records == null || row >= rowsInGroup) {
      if (!advance()) {
        return null;
      }
    }
    materializer.reset();
    Map<String, Object> fields;
    try {
      fields = records.read();
    } catch (RuntimeException e) {
      throw corrupt(e);
    }
    long position = firstRow[rowGroup] + row;
    Location location = Location.rowGroup(fileName, rowGroup, row++);
    String bad = materializer.badColumn();
    if (bad != null) {
      return RawRow.bad(Json.write(fields), location, "invalid UTF-8 in column " + bad, position);
    }
    return RawRow.ok(fields, location, position);
  }

  /** Loads the next non-empty row group of the range; false at its end. */
  private boolean advance() throws IOException {
    releasePages();
    while (nextRowGroup < endRowGroup && rowGroups.get(nextRowGroup).getRowCount() == 0) {
      nextRowGroup++;
    }
    if (nextRowGroup >= endRowGroup) {
      return false;
    }
    rowGroup = nextRowGroup++;
    try {
      budgetHeld = RowGroupBudget.SHARED.acquire(rowGroups.get(rowGroup).getCompressedSize());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RefineryException(fileName + ": interrupted while waiting to read row group "
          + rowGroup, e);
    }
    try {
      pages = reader.readRowGroup(rowGroup);
      records = columnIO.getRecordReader(pages, materializer, FilterCompat.NOOP);
    } catch (IOException | RuntimeException e) {
      throw corrupt(e);
    }
    rowsInGroup = pages.getRowCount();
    row = 0;
    return true;
  }

  private RefineryException corrupt(Exception e) {
    return new RefineryException(fileName + ": corrupt row group " + rowGroup + ": "
        + Errors.firstLine(e), e);
  }

  private void releasePages() {
    records = null;
    if (pages != null) {
      try {
        pages.close();
      } catch (Exception ignored) {
        // Only frees buffers.
      }
      pages = null;
    }
    if (budgetHeld > 0) {
      RowGroupBudget.SHARED.release(budgetHeld);
      budgetHeld = 0;
    }
  }

  @Override
  public void close() throws IOException {
    releasePages();
    reader.close();
  }
}
