package dev.refinery.tokenize;

import dev.refinery.io.AtomicFile;
import dev.refinery.io.Compression;
import dev.refinery.io.FileKind;
import dev.refinery.io.RowWriter;
import dev.refinery.io.RowWriters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * One Parquet row per sample or packed sequence, through the project's Parquet row writer with a
 * fully declared schema (zstd, fixed settings, no timestamps: the same rows give the same bytes).
 * A sample is written as a sequence of one document ({@code position_ids} 0..n-1, {@code
 * cu_seqlens} [0, n]), so packed and unpacked files have the same columns; unpacked rows also
 * carry {@code category} and {@code split} (null when unknown, and always null when packed).
 * {@code loss_mask} is {@code list<int8>} (0 or 1); with labels it is replaced by {@code labels},
 * {@code list<int32>}.
 */
final class ParquetTokenizedWriter implements TokenizedWriter {
  static final MessageType WITH_LOSS_MASK = schema("""
      required group loss_mask (LIST) {
        repeated group list { required int32 element (INTEGER(8,true)); }
      }""");
  static final MessageType WITH_LABELS = schema("""
      required group labels (LIST) {
        repeated group list { required int32 element; }
      }""");

  private static MessageType schema(String maskColumn) {
    return MessageTypeParser.parseMessageType("message tokenized {\n"
        + "  required group input_ids (LIST) { repeated group list { required int32 element; } }\n"
        + maskColumn + "\n"
        + "  required group position_ids (LIST) {"
        + " repeated group list { required int32 element; } }\n"
        + "  required group cu_seqlens (LIST) {"
        + " repeated group list { required int32 element; } }\n"
        + "  required group uuids (LIST) {"
        + " repeated group list { required binary element (STRING); } }\n"
        + "  optional binary category (STRING);\n"
        + "  optional binary split (STRING);\n"
        + "}");
  }

  private final boolean labels;
  private final AtomicFile file;
  private final RowWriter writer;
  private boolean committed;

  ParquetTokenizedWriter(Path out, boolean labels) throws IOException {
    this.labels = labels;
    this.file = new AtomicFile(out);
    this.writer = RowWriters.open(file.temp(), FileKind.PARQUET, Compression.NONE,
        labels ? WITH_LABELS : WITH_LOSS_MASK, CompressionCodecName.ZSTD);
  }

  @Override
  public void write(TokenizedSample s) throws IOException {
    int n = s.length();
    int[] positions = new int[n];
    for (int i = 0; i < n; i++) {
      positions[i] = i;
    }
    writer.write(row(s.inputIds(), s.lossMask(), positions, new int[] {0, n},
        List.of(s.uuid() == null ? "" : s.uuid()), s.category(), s.split()));
  }

  @Override
  public void write(PackedSequence s) throws IOException {
    writer.write(row(s.inputIds(), s.lossMask(), s.positionIds(), s.cuSeqlens(), s.uuids(),
        null, null));
  }

  private Map<String, Object> row(int[] ids, byte[] mask, int[] positions, int[] cu,
      List<String> uuids, String category, String split) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("input_ids", new Ints(ids));
    if (labels) {
      row.put("labels", new Ints(TokenizedWriter.labels(ids, mask)));
    } else {
      row.put("loss_mask", new Bytes(mask));
    }
    row.put("position_ids", new Ints(positions));
    row.put("cu_seqlens", new Ints(cu));
    row.put("uuids", uuids);
    row.put("category", category);
    row.put("split", split);
    return row;
  }

  @Override
  public void commit() throws IOException {
    writer.close();
    file.commit();
    committed = true;
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        writer.close();
      } finally {
        file.abort();
      }
    }
  }

  /** A list view of an int array, so rows do not copy the tokens into boxed lists. */
  private static final class Ints extends AbstractList<Integer> implements RandomAccess {
    private final int[] a;

    Ints(int[] a) {
      this.a = a;
    }

    @Override
    public Integer get(int i) {
      return a[i];
    }

    @Override
    public int size() {
      return a.length;
    }
  }

  private static final class Bytes extends AbstractList<Integer> implements RandomAccess {
    private final byte[] a;

    Bytes(byte[] a) {
      this.a = a;
    }

    @Override
    public Integer get(int i) {
      return (int) a[i];
    }

    @Override
    public int size() {
      return a.length;
    }
  }
}
