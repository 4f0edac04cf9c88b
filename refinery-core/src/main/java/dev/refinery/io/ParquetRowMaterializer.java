package dev.refinery.io;

import dev.refinery.internal.ArrayMap;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Builds each Parquet record straight into plain JSON-like values: groups become maps in schema
 * field order, LIST groups and repeated fields lists, MAP groups maps with string keys, strings
 * {@link String} (decoded strictly), integers {@link Long}, floating point {@link Double}. A
 * missing optional value is a null under its key.
 *
 * <p>Invalid UTF-8 does not stop the record: the value is decoded with replacement characters and
 * {@link #badColumn()} names the first column where it happened, for the reader to report.
 */
final class ParquetRowMaterializer extends RecordMaterializer<Map<String, Object>> {
  /** Receives the value a child converter built. */
  private interface Sink {
    void accept(Object value);
  }

  private final StructConverter root;
  private Map<String, Object> current;
  private String badColumn;

  ParquetRowMaterializer(MessageType schema) {
    this.root = new StructConverter(schema, "", v -> current = castMap(v));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object v) {
    return (Map<String, Object>) v;
  }

  /** Forgets the state of the previous record; call before reading each one. */
  void reset() {
    badColumn = null;
    current = null;
  }

  /** The column path of the first invalid UTF-8 value in the current record, or null. */
  String badColumn() {
    return badColumn;
  }

  @Override
  public Map<String, Object> getCurrentRecord() {
    return current;
  }

  @Override
  public GroupConverter getRootConverter() {
    return root;
  }

  private void markBad(String path) {
    if (badColumn == null) {
      badColumn = path;
    }
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** A converter for a field's value, ignoring its repetition. */
  private Converter valueConverter(Type type, String path, Sink sink) {
    if (type.isPrimitive()) {
      return primitiveConverter(type.asPrimitiveType(), path, sink);
    }
    GroupType group = type.asGroupType();
    LogicalTypeAnnotation a = group.getLogicalTypeAnnotation();
    if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && isListShape(group)) {
      return new ListConverter(group, path, sink);
    }
    if ((a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
        || a instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) && isMapShape(group)) {
      return new MapConverter(group, path, sink);
    }
    return new StructConverter(group, path, sink);
  }

  private static boolean isListShape(GroupType group) {
    return group.getFieldCount() == 1 && group.getType(0).isRepetition(Type.Repetition.REPEATED);
  }

  private static boolean isMapShape(GroupType group) {
    if (group.getFieldCount() != 1 || !group.getType(0).isRepetition(Type.Repetition.REPEATED)
        || group.getType(0).isPrimitive()) {
      return false;
    }
    GroupType kv = group.getType(0).asGroupType();
    return kv.getFieldCount() == 1 || kv.getFieldCount() == 2;
  }

  /**
   * Whether the repeated field of a LIST group is itself the element (the legacy 2-level forms),
   * by the backward-compatibility rules of the Parquet format's LogicalTypes.md.
   */
  static boolean repeatedIsElement(Type repeated, String listName) {
    if (repeated.isPrimitive()) {
      return true;
    }
    GroupType g = repeated.asGroupType();
    return g.getFieldCount() != 1
        || g.getName().equals("array")
        || g.getName().equals(listName + "_tuple");
  }

  private Converter primitiveConverter(PrimitiveType type, String path, Sink sink) {
    LogicalTypeAnnotation a = type.getLogicalTypeAnnotation();
    if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
      return new DecimalConverter(type, decimal.getScale(), sink);
    }
    switch (type.getPrimitiveTypeName()) {
      case BINARY:
        if (a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          // A JSON column holds values of any type as JSON text: give back the values.
          return new StringConverter(path, text -> sink.accept(jsonValue(text)));
        }
        return new StringConverter(path, sink);
      case FIXED_LEN_BYTE_ARRAY:
        if (a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
          return new UuidConverter(sink);
        }
        return new StringConverter(path, sink);
      case INT32:
        boolean unsigned = a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
            && !i.isSigned();
        return new NumberConverter(sink, unsigned);
      case INT64:
      case FLOAT:
      case DOUBLE:
      case BOOLEAN:
        return new NumberConverter(sink, false);
      case INT96:
        return new Int96Converter(sink);
      default:
        throw new IllegalArgumentException("unsupported Parquet type " + type);
    }
  }

  /** A group read as a map in field order; repeated fields without LIST annotation as lists. */
  private final class StructConverter extends GroupConverter {
    private final String[] keys;
    private final Map<String, Integer> index;
    private final Converter[] children;
    private final boolean[] repeated;
    private final boolean anyRepeated;
    private final Sink sink;
    private Object[] values;

    StructConverter(GroupType type, String path, Sink sink) {
      int n = type.getFieldCount();
      this.sink = sink;
      this.keys = new String[n];
      this.children = new Converter[n];
      this.repeated = new boolean[n];
      boolean any = false;
      for (int i = 0; i < n; i++) {
        Type field = type.getType(i);
        // Interned, a key is the very String of the literals that look it up ("uuid",
        // "messages"): every HashMap and Set lookup of a row's fields ends at ==.
        keys[i] = field.getName().intern();
        String childPath = child(path, field.getName());
        final int slot = i;
        if (field.isRepetition(Type.Repetition.REPEATED)) {
          repeated[i] = true;
          any = true;
          children[i] = valueConverter(field, childPath, v -> listAt(slot).add(v));
        } else {
          children[i] = valueConverter(field, childPath, v -> values[slot] = v);
        }
      }
      this.anyRepeated = any;
      if (n > 12) {
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < n; i++) {
          idx.putIfAbsent(keys[i], i);
        }
        this.index = idx;
      } else {
        this.index = null;
      }
    }

    @SuppressWarnings("unchecked")
    private List<Object> listAt(int slot) {
      return (List<Object>) values[slot];
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {
      values = new Object[keys.length];
      if (anyRepeated) {
        for (int i = 0; i < keys.length; i++) {
          if (repeated[i]) {
            values[i] = new ArrayList<>();
          }
        }
      }
    }

    @Override
    public void end() {
      Object[] v = values;
      if (anyRepeated) {
        for (int i = 0; i < keys.length; i++) {
          if (repeated[i]) {
            v[i] = Collections.unmodifiableList(listAt(i));
          }
        }
      }
      values = null;
      sink.accept(new ArrayMap<>(keys, v, index));
    }
  }

  /** A LIST-annotated group, 3-level or legacy 2-level. */
  private final class ListConverter extends GroupConverter {
    private final Converter child;
    private final Sink sink;
    private ArrayList<Object> list;

    ListConverter(GroupType type, String path, Sink sink) {
      this.sink = sink;
      Type repeated = type.getType(0);
      if (repeatedIsElement(repeated, type.getName())) {
        this.child = valueConverter(repeated, path, v -> list.add(v));
      } else {
        this.child = new ElementConverter(repeated.asGroupType(), path);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return child;
    }

    @Override
    public void start() {
      list = new ArrayList<>();
    }

    @Override
    public void end() {
      ArrayList<Object> l = list;
      list = null;
      sink.accept(Collections.unmodifiableList(l));
    }

    /** The repeated middle level of a 3-level list: one element each time, maybe null. */
    private final class ElementConverter extends GroupConverter {
      private final Converter element;
      private Object pending;

      ElementConverter(GroupType repeated, String path) {
        this.element = valueConverter(repeated.getType(0), path, v -> pending = v);
      }

      @Override
      public Converter getConverter(int fieldIndex) {
        return element;
      }

      @Override
      public void start() {
        pending = null;
      }

      @Override
      public void end() {
        list.add(pending);
        pending = null;
      }
    }
  }

  /** A MAP-annotated group: a map with the keys as strings, in file order. */
  private final class MapConverter extends GroupConverter {
    private final Sink sink;
    private final GroupConverter keyValue;
    private LinkedHashMap<String, Object> map;
    private Object key;
    private Object value;

    MapConverter(GroupType type, String path, Sink sink) {
      this.sink = sink;
      GroupType kv = type.getType(0).asGroupType();
      Converter keyConverter = valueConverter(kv.getType(0), path, v -> key = v);
      Converter valueConverter = kv.getFieldCount() > 1
          ? valueConverter(kv.getType(1), path, v -> value = v)
          : null;
      this.keyValue = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return fieldIndex == 0 ? keyConverter : valueConverter;
        }

        @Override
        public void start() {
          key = null;
          value = null;
        }

        @Override
        public void end() {
          map.put(String.valueOf(key), value);
          key = null;
          value = null;
        }
      };
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return keyValue;
    }

    @Override
    public void start() {
      map = new LinkedHashMap<>();
    }

    @Override
    public void end() {
      LinkedHashMap<String, Object> m = map;
      map = null;
      sink.accept(Collections.unmodifiableMap(m));
    }
  }

  /**
   * Strings, decoded strictly: the fast JDK decoder first, and only when its result holds a
   * replacement character a strict decoder to tell invalid input from a real U+FFFD. Dictionary
   * pages are decoded once per row group, lazily.
   */
  private final class StringConverter extends PrimitiveConverter {
    private final String path;
    private final Sink sink;
    private Dictionary dictionary;
    private String[] decoded;
    private byte[] scratch = new byte[256];

    StringConverter(String path, Sink sink) {
      this.path = path;
      this.sink = sink;
    }

    @Override
    public boolean hasDictionarySupport() {
      return true;
    }

    @Override
    public void setDictionary(Dictionary dictionary) {
      this.dictionary = dictionary;
      this.decoded = new String[dictionary.getMaxId() + 1];
    }

    @Override
    public void addValueFromDictionary(int id) {
      String s = decoded[id];
      if (s == null) {
        s = decode(dictionary.decodeToBinary(id));
        if (!lastBad) {
          decoded[id] = s; // an invalid entry is decoded again so that each row is marked
        }
      }
      sink.accept(s);
    }

    @Override
    public void addBinary(Binary value) {
      sink.accept(decode(value));
    }

    private boolean lastBad;

    /** The decoded string, with replacement characters and {@link #lastBad} set when invalid. */
    private String decode(Binary value) {
      ByteBuffer bb = value.toByteBuffer();
      byte[] bytes;
      int offset;
      int length = bb.remaining();
      if (bb.hasArray()) {
        bytes = bb.array();
        offset = bb.arrayOffset() + bb.position();
      } else {
        if (scratch.length < length) {
          scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        bb.get(scratch, 0, length);
        bytes = scratch;
        offset = 0;
      }
      String s = new String(bytes, offset, length, StandardCharsets.UTF_8);
      lastBad = s.indexOf('\uFFFD') >= 0 && !isValidUtf8(bytes, offset, length);
      if (lastBad) {
        markBad(path);
      }
      return s;
    }
  }

  private static Object jsonValue(Object text) {
    if (!(text instanceof String s)) {
      return text;
    }
    Object parsed = dev.refinery.internal.Json.parseOrNull(s);
    return parsed == null && !"null".equals(s.strip()) ? s : parsed;
  }

  static boolean isValidUtf8(byte[] bytes, int offset, int length) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** INT32 and INT64 as Long, FLOAT and DOUBLE as Double, BOOLEAN as Boolean. */
  private static final class NumberConverter extends PrimitiveConverter {
    private final Sink sink;
    private final boolean unsigned;

    NumberConverter(Sink sink, boolean unsigned) {
      this.sink = sink;
      this.unsigned = unsigned;
    }

    @Override
    public void addInt(int value) {
      sink.accept(unsigned ? Integer.toUnsignedLong(value) : (long) value);
    }

    @Override
    public void addLong(long value) {
      sink.accept(value);
    }

    @Override
    public void addFloat(float value) {
      sink.accept((double) value);
    }

    @Override
    public void addDouble(double value) {
      sink.accept(value);
    }

    @Override
    public void addBoolean(boolean value) {
      sink.accept(value);
    }
  }

  /** DECIMAL in any physical type, as a Double (a JSON number). */
  private static final class DecimalConverter extends PrimitiveConverter {
    private final Sink sink;
    private final int scale;

    DecimalConverter(PrimitiveType type, int scale, Sink sink) {
      this.sink = sink;
      this.scale = scale;
    }

    @Override
    public void addInt(int value) {
      sink.accept(BigDecimal.valueOf(value, scale).doubleValue());
    }

    @Override
    public void addLong(long value) {
      sink.accept(BigDecimal.valueOf(value, scale).doubleValue());
    }

    @Override
    public void addBinary(Binary value) {
      sink.accept(new BigDecimal(new BigInteger(value.getBytes()), scale).doubleValue());
    }
  }

  /** UUID as its canonical text. */
  private static final class UuidConverter extends PrimitiveConverter {
    private final Sink sink;

    UuidConverter(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void addBinary(Binary value) {
      ByteBuffer bb = value.toByteBuffer().order(ByteOrder.BIG_ENDIAN);
      sink.accept(new java.util.UUID(bb.getLong(bb.position()), bb.getLong(bb.position() + 8))
          .toString());
    }
  }

  /** The legacy INT96 timestamp, as ISO-8601 UTC text. */
  private static final class Int96Converter extends PrimitiveConverter {
    private static final long JULIAN_EPOCH_DAY = 2_440_588L;
    private final Sink sink;

    Int96Converter(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void addBinary(Binary value) {
      ByteBuffer bb = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = bb.getLong(bb.position());
      long julianDay = bb.getInt(bb.position() + 8) & 0xffffffffL;
      long seconds = (julianDay - JULIAN_EPOCH_DAY) * 86_400L + Math.floorDiv(nanosOfDay, 1_000_000_000L);
      sink.accept(Instant.ofEpochSecond(seconds, Math.floorMod(nanosOfDay, 1_000_000_000L))
          .toString());
    }
  }
}
