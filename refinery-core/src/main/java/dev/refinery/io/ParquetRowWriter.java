package dev.refinery.io;

import dev.refinery.internal.TextCheck;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Writes records as Parquet rows. The schema is fixed by the first record (see {@link
 * ParquetSchemaInference}); every later record must fit it, and one that does not is rejected
 * with a {@link RowSchemaMismatchException} before any of it is written. Keys missing from a
 * record are written as nulls. Overwrites the file; zstd unless another codec is asked for.
 */
final class ParquetRowWriter implements RowWriter {
  /**
   * Row groups are the smallest unit a later run can hand to a task (see {@link Inputs#splits}).
   * parquet-java measures a group as it buffers it, pages already compressed, so this is about
   * the group's size on disk: 8 MiB makes a 1 GB zstd file about 120 groups and the 63 MB largest
   * file of the 200k-row demo data 8 (about 30 MB decoded each), enough for a file alone to keep
   * every core busy, while pages (1 MiB) and dictionaries still see enough rows to compress as
   * well as before. Smaller groups also bound what each reader holds (see {@link RowGroupBudget}).
   */
  static final long DEFAULT_ROW_GROUP_SIZE = 8L * 1024 * 1024;

  private final Path path;
  private final MessageType knownColumns;
  private final CompressionCodecName codec;
  private final long rowGroupSize;
  private final int rowGroupRowLimit;
  private ParquetWriter<Map<String, Object>> writer;
  private StructNode root;
  private MessageType schema;
  private boolean closed;
  private ClosingOutputFile target;

  ParquetRowWriter(Path path, MessageType knownColumns, CompressionCodecName codec)
      throws IOException {
    this(path, knownColumns, codec, DEFAULT_ROW_GROUP_SIZE, 0, SCHEMA_SAMPLE_ROWS);
  }

  /**
   * @param rowGroupRowLimit at most this many rows per row group, when positive (for tests)
   */
  ParquetRowWriter(Path path, MessageType knownColumns, CompressionCodecName codec,
      long rowGroupSize, int rowGroupRowLimit, int schemaSampleRows) throws IOException {
    this.schemaSampleRows = Math.max(1, schemaSampleRows);
    this.path = path;
    this.knownColumns = knownColumns;
    this.codec = codec == null ? CompressionCodecName.ZSTD : codec;
    this.rowGroupSize = rowGroupSize;
    this.rowGroupRowLimit = rowGroupRowLimit;
  }

  /** The output schema, or null before the first record. */
  MessageType schema() {
    return schema;
  }

  /**
   * Rows held back until the schema is known: it is inferred from the first {@value
   * #SCHEMA_SAMPLE_ROWS} rows together (columns and fields of all of them, numbers widened to
   * double when any is fractional, mixed types as a JSON column), so that ordinary variation
   * between records fits. A later row that still does not fit is refused and can be rejected.
   */
  static final int SCHEMA_SAMPLE_ROWS = 1000;

  private final List<Map<String, Object>> held = new ArrayList<>();
  private final int schemaSampleRows;

  @Override
  public void write(Map<String, Object> row) throws IOException {
    if (closed) {
      throw new IOException(path + ": writer is closed");
    }
    if (writer == null) {
      // A row that breaks a fixed column's type would break the merged schema too: refuse it now.
      new StructNode(ParquetSchemaInference.infer(List.of(row), knownColumns), "", 0, "")
          .validateFields(row);
      held.add(row);
      if (held.size() >= schemaSampleRows) {
        startWithHeldRows();
      }
      return;
    }
    root.validateFields(row);
    writer.write(row);
  }

  private void startWithHeldRows() throws IOException {
    start(ParquetSchemaInference.infer(held, knownColumns));
    for (Map<String, Object> row : held) {
      root.validateFields(row); // fits by construction; checked so a bug cannot write garbage
      writer.write(row);
    }
    held.clear();
  }

  private void start(MessageType schema) throws IOException {
    this.schema = schema;
    this.root = new StructNode(schema, "", 0, "");
    target = new ClosingOutputFile(path);
    Builder builder = new Builder(target, new MapWriteSupport(schema, root))
        .withConf(new PlainParquetConfiguration())
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCompressionCodec(codec)
        .withRowGroupSize(rowGroupSize)
        .withDictionaryEncoding(true)
        .withValidation(false);
    if (rowGroupRowLimit > 0) {
      builder.withRowGroupRowCountLimit(rowGroupRowLimit);
    }
    this.writer = builder.build();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (writer == null && !held.isEmpty()) {
      startWithHeldRows();
    }
    if (writer == null) {
      MessageType empty = ParquetSchemaInference.infer(List.of(), knownColumns);
      if (empty.getFieldCount() == 0) {
        writeEmptyFile();
        return;
      }
      start(empty);
    }
    try {
      writer.close();
    } finally {
      target.closeStream();
    }
  }

  /**
   * A file with no rows and no columns, which parquet-java's writer refuses to make: the magic
   * bytes around a footer whose schema is just the root.
   */
  private void writeEmptyFile() throws IOException {
    org.apache.parquet.format.SchemaElement root =
        new org.apache.parquet.format.SchemaElement("schema");
    root.setNum_children(0);
    org.apache.parquet.format.FileMetaData footer = new org.apache.parquet.format.FileMetaData(
        1, List.of(root), 0L, List.of());
    footer.setCreated_by("refinery");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    org.apache.parquet.format.Util.writeFileMetaData(footer, bytes);
    int length = bytes.size();
    try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(path)) {
      out.write(MAGIC);
      bytes.writeTo(out);
      out.write(new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16),
          (byte) (length >>> 24)});
      out.write(MAGIC);
    }
  }

  private static final byte[] MAGIC = {'P', 'A', 'R', '1'};

  private static final class Builder
      extends ParquetWriter.Builder<Map<String, Object>, Builder> {
    private final WriteSupport<Map<String, Object>> writeSupport;

    Builder(OutputFile file, WriteSupport<Map<String, Object>> writeSupport) {
      super(file);
      this.writeSupport = writeSupport;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Map<String, Object>> getWriteSupport(Configuration conf) {
      return writeSupport;
    }

    @Override
    protected WriteSupport<Map<String, Object>> getWriteSupport(ParquetConfiguration conf) {
      return writeSupport;
    }
  }

  /** Drives the {@link RecordConsumer} from an already validated record. */
  private static final class MapWriteSupport extends WriteSupport<Map<String, Object>> {
    private final MessageType schema;
    private final StructNode root;
    private RecordConsumer consumer;

    MapWriteSupport(MessageType schema, StructNode root) {
      this.schema = schema;
      this.root = root;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Map<String, Object> record) {
      consumer.startMessage();
      root.writeFields(consumer, record);
      consumer.endMessage();
    }
  }

  // ---- The schema compiled into validating writers ----

  private static Node node(Type type, String path, int index) {
    String name = type.getName();
    if (type.isRepetition(Type.Repetition.REPEATED)) {
      return new RepeatedNode(name, index, path, valueNode(type, path, index));
    }
    return valueNode(type, path, index);
  }

  /** A writer for the field's values, ignoring its repetition. */
  private static Node valueNode(Type type, String path, int index) {
    String name = type.getName();
    if (type.isPrimitive()) {
      PrimitiveType p = type.asPrimitiveType();
      LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
      switch (p.getPrimitiveTypeName()) {
        case BINARY:
          if (a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            return new PrimitiveNode(name, index, path, Kind.JSON);
          }
          if (a == null || a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
              || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation) {
            return new PrimitiveNode(name, index, path, Kind.STRING);
          }
          break;
        case INT32:
          if (a == null || a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
              && i.isSigned()) {
            return new PrimitiveNode(name, index, path, Kind.INT32);
          }
          break;
        case INT64:
          if (a == null || a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
              && i.isSigned()) {
            return new PrimitiveNode(name, index, path, Kind.INT64);
          }
          break;
        case FLOAT:
          return new PrimitiveNode(name, index, path, Kind.FLOAT);
        case DOUBLE:
          return new PrimitiveNode(name, index, path, Kind.DOUBLE);
        case BOOLEAN:
          return new PrimitiveNode(name, index, path, Kind.BOOLEAN);
        default:
          break;
      }
      return new PrimitiveNode(name, index, path, Kind.UNSUPPORTED);
    }
    GroupType g = type.asGroupType();
    LogicalTypeAnnotation a = g.getLogicalTypeAnnotation();
    if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && g.getFieldCount() == 1
        && g.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      Type repeated = g.getType(0);
      if (ParquetRowMaterializer.repeatedIsElement(repeated, g.getName())) {
        return new ListNode(name, index, path, repeated.getName(), null,
            valueNode(repeated, path, 0), true);
      }
      Type element = repeated.asGroupType().getType(0);
      return new ListNode(name, index, path, repeated.getName(), element.getName(),
          valueNode(element, path, 0), element.isRepetition(Type.Repetition.REQUIRED));
    }
    if ((a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
        || a instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
        && g.getFieldCount() == 1 && !g.getType(0).isPrimitive()
        && g.getType(0).asGroupType().getFieldCount() == 2) {
      GroupType kv = g.getType(0).asGroupType();
      return new MapNode(name, index, path, kv.getName(), kv.getType(0).getName(),
          valueNode(kv.getType(0), path, 0), kv.getType(1).getName(),
          valueNode(kv.getType(1), path, 1), kv.getType(1).isRepetition(Type.Repetition.REQUIRED));
    }
    if (a != null) {
      return new PrimitiveNode(name, index, path, Kind.UNSUPPORTED);
    }
    return new StructNode(g, name, index, path);
  }

  private static RowSchemaMismatchException mismatch(String path, String expected, Object value) {
    return new RowSchemaMismatchException("field '" + path + "' is " + expected
        + " in the output schema but the record has " + describe(value));
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      return "an integer";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof Map) {
      return "an object";
    }
    return "a " + v.getClass().getSimpleName();
  }

  private abstract static class Node {
    final String name;
    final int index;
    final String path;

    Node(String name, int index, String path) {
      this.name = name;
      this.index = index;
      this.path = path;
    }

    /** Throws when a non-null value does not fit. */
    abstract void validate(Object value);

    /** Writes a non-null, validated value (without starting the field). */
    abstract void writeValue(RecordConsumer rc, Object value);

    /** Writes the field holding a non-null, validated value. */
    void writeField(RecordConsumer rc, Object value) {
      rc.startField(name, index);
      writeValue(rc, value);
      rc.endField(name, index);
    }
  }

  private static final class StructNode extends Node {
    private final Node[] fields;
    private final boolean[] required;
    private final Map<String, Node> byName = new HashMap<>();

    StructNode(GroupType type, String name, int index, String path) {
      super(name, index, path);
      int n = type.getFieldCount();
      this.fields = new Node[n];
      this.required = new boolean[n];
      for (int i = 0; i < n; i++) {
        Type f = type.getType(i);
        String childPath = path.isEmpty() ? f.getName() : path + "." + f.getName();
        fields[i] = node(f, childPath, i);
        required[i] = f.isRepetition(Type.Repetition.REQUIRED);
        byName.put(f.getName(), fields[i]);
      }
    }

    @Override
    void validate(Object value) {
      if (!(value instanceof Map<?, ?> m)) {
        throw mismatch(path, "an object", value);
      }
      validateFields(m);
    }

    void validateFields(Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Node f = byName.get(String.valueOf(e.getKey()));
        if (f == null) {
          String p = path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey();
          throw new RowSchemaMismatchException(
              "field '" + p + "' is not in the output Parquet schema");
        }
        if (e.getValue() != null) {
          f.validate(e.getValue());
        }
      }
      for (int i = 0; i < fields.length; i++) {
        if (required[i] && m.get(fields[i].name) == null) {
          throw new RowSchemaMismatchException(
              "field '" + fields[i].path + "' is required in the output schema but the record has "
                  + "no value for it");
        }
      }
    }

    @Override
    void writeValue(RecordConsumer rc, Object value) {
      rc.startGroup();
      writeFields(rc, (Map<?, ?>) value);
      rc.endGroup();
    }

    void writeFields(RecordConsumer rc, Map<?, ?> m) {
      for (Node f : fields) {
        Object v = m.get(f.name);
        if (v != null) {
          f.writeField(rc, v);
        }
      }
    }
  }

  /** A repeated field without LIST annotation: a list of values, never null elements. */
  private static final class RepeatedNode extends Node {
    private final Node element;

    RepeatedNode(String name, int index, String path, Node element) {
      super(name, index, path);
      this.element = element;
    }

    @Override
    void validate(Object value) {
      if (!(value instanceof List<?> l)) {
        throw mismatch(path, "a list", value);
      }
      for (Object e : l) {
        if (e == null) {
          throw new RowSchemaMismatchException(
              "field '" + path + "' cannot hold null elements in the output schema");
        }
        element.validate(e);
      }
    }

    @Override
    void writeValue(RecordConsumer rc, Object value) {
      throw new IllegalStateException("a repeated field is written as a whole");
    }

    @Override
    void writeField(RecordConsumer rc, Object value) {
      List<?> l = (List<?>) value;
      if (l.isEmpty()) {
        return;
      }
      rc.startField(name, index);
      for (Object e : l) {
        element.writeValue(rc, e);
      }
      rc.endField(name, index);
    }
  }

  /** A LIST group: 3-level (elementName set) or legacy 2-level (elementName null). */
  private static final class ListNode extends Node {
    private final String repeatedName;
    private final String elementName;
    private final Node element;
    private final boolean elementRequired;

    ListNode(String name, int index, String path, String repeatedName, String elementName,
        Node element, boolean elementRequired) {
      super(name, index, path);
      this.repeatedName = repeatedName;
      this.elementName = elementName;
      this.element = element;
      this.elementRequired = elementRequired;
    }

    @Override
    void validate(Object value) {
      if (!(value instanceof List<?> l)) {
        throw mismatch(path, "a list", value);
      }
      for (Object e : l) {
        if (e == null) {
          if (elementRequired) {
            throw new RowSchemaMismatchException(
                "field '" + path + "' cannot hold null elements in the output schema");
          }
        } else {
          element.validate(e);
        }
      }
    }

    @Override
    void writeValue(RecordConsumer rc, Object value) {
      List<?> l = (List<?>) value;
      rc.startGroup();
      if (!l.isEmpty()) {
        rc.startField(repeatedName, 0);
        for (Object e : l) {
          if (elementName == null) {
            element.writeValue(rc, e);
          } else {
            rc.startGroup();
            if (e != null) {
              rc.startField(elementName, 0);
              element.writeValue(rc, e);
              rc.endField(elementName, 0);
            }
            rc.endGroup();
          }
        }
        rc.endField(repeatedName, 0);
      }
      rc.endGroup();
    }
  }

  /** A MAP group; keys are the map's keys as strings. */
  private static final class MapNode extends Node {
    private final String keyValueName;
    private final String keyName;
    private final Node key;
    private final String valueName;
    private final Node valueNode;
    private final boolean valueRequired;

    MapNode(String name, int index, String path, String keyValueName, String keyName, Node key,
        String valueName, Node valueNode, boolean valueRequired) {
      super(name, index, path);
      this.keyValueName = keyValueName;
      this.keyName = keyName;
      this.key = key;
      this.valueName = valueName;
      this.valueNode = valueNode;
      this.valueRequired = valueRequired;
    }

    @Override
    void validate(Object value) {
      if (!(value instanceof Map<?, ?> m)) {
        throw mismatch(path, "a map", value);
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        key.validate(String.valueOf(e.getKey()));
        if (e.getValue() == null) {
          if (valueRequired) {
            throw new RowSchemaMismatchException(
                "field '" + path + "' cannot hold null values in the output schema");
          }
        } else {
          valueNode.validate(e.getValue());
        }
      }
    }

    @Override
    void writeValue(RecordConsumer rc, Object value) {
      Map<?, ?> m = (Map<?, ?>) value;
      rc.startGroup();
      if (!m.isEmpty()) {
        rc.startField(keyValueName, 0);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          rc.startGroup();
          rc.startField(keyName, 0);
          key.writeValue(rc, String.valueOf(e.getKey()));
          rc.endField(keyName, 0);
          if (e.getValue() != null) {
            rc.startField(valueName, 1);
            valueNode.writeValue(rc, e.getValue());
            rc.endField(valueName, 1);
          }
          rc.endGroup();
        }
        rc.endField(keyValueName, 0);
      }
      rc.endGroup();
    }
  }

  /** JSON: a column whose values differ in type; any value, written as its JSON text. */
  private enum Kind { STRING, JSON, INT32, INT64, FLOAT, DOUBLE, BOOLEAN, UNSUPPORTED }

  private static final class PrimitiveNode extends Node {
    private final Kind kind;

    PrimitiveNode(String name, int index, String path, Kind kind) {
      super(name, index, path);
      this.kind = kind;
    }

    @Override
    void validate(Object v) {
      switch (kind) {
        case STRING:
          if (!(v instanceof String s)) {
            throw mismatch(path, "a string", v);
          }
          unpaired(path, v);
          return;
        case JSON:
          unpaired(path, v);
          return;
        case INT32:
          if (!isIntegral(v) || !fits(v, Integer.MIN_VALUE, Integer.MAX_VALUE)) {
            throw mismatch(path, "a 32-bit integer", v);
          }
          return;
        case INT64:
          if (!isIntegral(v) || !fits(v, Long.MIN_VALUE, Long.MAX_VALUE)) {
            throw mismatch(path, "an integer", v);
          }
          return;
        case FLOAT:
        case DOUBLE:
          if (!(v instanceof Number)) {
            throw mismatch(path, "a number", v);
          }
          return;
        case BOOLEAN:
          if (!(v instanceof Boolean)) {
            throw mismatch(path, "a boolean", v);
          }
          return;
        default:
          throw new RowSchemaMismatchException(
              "field '" + path + "' has a Parquet type Refinery cannot write");
      }
    }

    /** UTF-8 would store an unpaired surrogate as '?': refuse the row instead. */
    private static void unpaired(String path, Object v) {
      TextCheck.Unpaired found = TextCheck.unpairedSurrogate(v);
      if (found != null) {
        throw new RowSchemaMismatchException("field '" + path + "' holds an unpaired surrogate "
            + found.escaped() + (found.path().isEmpty() ? "" : " (at " + found.path() + ")")
            + ", which UTF-8 cannot store");
      }
    }

    private static boolean isIntegral(Object v) {
      return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
          || v instanceof BigInteger;
    }

    private static boolean fits(Object v, long min, long max) {
      if (v instanceof BigInteger b) {
        return b.bitLength() < 64 && b.longValue() >= min && b.longValue() <= max;
      }
      long l = ((Number) v).longValue();
      return l >= min && l <= max;
    }

    @Override
    void writeValue(RecordConsumer rc, Object v) {
      switch (kind) {
        case STRING -> rc.addBinary(Binary.fromString((String) v));
        case JSON -> rc.addBinary(Binary.fromString(dev.refinery.internal.Json.write(v)));
        case INT32 -> rc.addInteger(((Number) v).intValue());
        case INT64 -> rc.addLong(((Number) v).longValue());
        case FLOAT -> rc.addFloat(((Number) v).floatValue());
        case DOUBLE -> rc.addDouble(v instanceof BigDecimal b ? b.doubleValue()
            : ((Number) v).doubleValue());
        case BOOLEAN -> rc.addBoolean((Boolean) v);
        default -> throw new IllegalStateException("unsupported type at " + path);
      }
    }
  }
}
