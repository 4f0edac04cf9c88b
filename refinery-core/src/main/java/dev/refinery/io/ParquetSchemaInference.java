package dev.refinery.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The output schema of a Parquet file, from its first record and the columns the format fixes.
 * Top-level columns come in the record's key order, then any fixed column the record lacks. A
 * fixed type wins; a fixed group also gains the keys of the record it lacks. Other types are
 * inferred: strings, int64, double, boolean, groups (fields of all maps seen at that place, in
 * first-seen order), 3-level lists (element from all elements seen); nothing to go on gives a
 * string. Every inferred field is optional. Values nested deeper than {@link #MAX_DEPTH} are kept
 * as JSON text.
 */
final class ParquetSchemaInference {
  /**
   * Maps and lists nested deeper than this become one JSON text column: parquet-java walks a
   * schema recursively (each list is three levels), so a record of 1,000 nested arrays, which the
   * JSON reader accepts, would overflow the stack when the file's footer is written, and reading
   * 64 levels back already took 30 s for one row. Real records nest a few levels.
   */
  static final int MAX_DEPTH = 16;

  private ParquetSchemaInference() {}

  /** The schema of all {@code rows} together: columns in first-seen order, then fixed ones. */
  static MessageType infer(List<Map<String, Object>> rows, MessageType known) {
    List<Type> fields = new ArrayList<>();
    Map<String, List<Object>> byKey = fieldsOf(new ArrayList<>(rows));
    for (Map.Entry<String, List<Object>> e : byKey.entrySet()) {
      Type k = known != null && known.containsField(e.getKey()) ? known.getType(e.getKey()) : null;
      fields.add(infer(e.getKey(), e.getValue(), k, 1));
    }
    if (known != null) {
      for (Type k : known.getFields()) {
        if (!byKey.containsKey(k.getName())) {
          fields.add(k);
        }
      }
    }
    return new MessageType("schema", fields);
  }

  /** A column holding values of different types: each value as its JSON text. */
  static Type json(String name) {
    return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.jsonType())
        .named(name);
  }

  /** What all non-null values have in common: a map, a list, integral, numeric, ... */
  private enum Shape { MAP, LIST, INTEGRAL, NUMBER, BOOLEAN, STRING, MIXED }

  private static Shape shapeOf(List<Object> samples) {
    Shape shape = null;
    for (Object v : samples) {
      Shape s = v instanceof Map ? Shape.MAP : v instanceof List ? Shape.LIST
          : v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
              || v instanceof BigInteger ? Shape.INTEGRAL
          : v instanceof Number ? Shape.NUMBER
          : v instanceof Boolean ? Shape.BOOLEAN : Shape.STRING;
      if (shape == null || shape == s) {
        shape = s;
      } else if ((shape == Shape.INTEGRAL && s == Shape.NUMBER)
          || (shape == Shape.NUMBER && s == Shape.INTEGRAL)) {
        shape = Shape.NUMBER;
      } else {
        return Shape.MIXED;
      }
    }
    return shape == null ? Shape.STRING : shape;
  }

  private static List<Object> single(Object v) {
    List<Object> l = new ArrayList<>(1);
    if (v != null) {
      l.add(v);
    }
    return l;
  }

  /** The type of a field named {@code name} from its non-null values seen so far. */
  private static Type infer(String name, List<Object> samples, Type known, int depth) {
    if (known != null) {
      return refineKnown(known, samples, depth);
    }
    Shape shape = shapeOf(samples);
    if (shape == Shape.MIXED
        || (depth > MAX_DEPTH && (shape == Shape.MAP || shape == Shape.LIST))) {
      return json(name);
    }
    if (shape == Shape.MAP) {
      Map<String, List<Object>> byKey = fieldsOf(samples);
      if (byKey.isEmpty()) {
        return json(name); // Parquet has no empty groups: {} is kept as JSON text
      }
      List<Type> fields = new ArrayList<>();
      byKey.forEach((k, values) -> fields.add(infer(k, values, null, depth + 1)));
      return new GroupType(Type.Repetition.OPTIONAL, name, fields);
    }
    switch (shape) {
      case LIST:
        return list(name, infer("element", elementsOf(samples), null, depth + 1));
      case INTEGRAL:
        return Types.optional(PrimitiveTypeName.INT64).named(name);
      case NUMBER:
        return Types.optional(PrimitiveTypeName.DOUBLE).named(name);
      case BOOLEAN:
        return Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
      default:
        return string(name);
    }
  }

  private static Type refineKnown(Type known, List<Object> samples, int depth) {
    if (known.isPrimitive()) {
      return known;
    }
    GroupType g = known.asGroupType();
    LogicalTypeAnnotation a = g.getLogicalTypeAnnotation();
    if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
      if (g.getFieldCount() == 1 && !g.getType(0).isPrimitive()
          && g.getType(0).isRepetition(Type.Repetition.REPEATED)
          && !ParquetRowMaterializer.repeatedIsElement(g.getType(0), g.getName())) {
        GroupType repeated = g.getType(0).asGroupType();
        Type element = refineKnown(repeated.getType(0), elementsOf(samples), depth + 1);
        return g.withNewFields(repeated.withNewFields(element));
      }
      return known;
    }
    if (a != null) {
      return known; // MAP and others: as fixed
    }
    Map<String, List<Object>> byKey = fieldsOf(samples);
    List<Type> fields = new ArrayList<>();
    for (Type f : g.getFields()) {
      List<Object> values = byKey.remove(f.getName());
      fields.add(refineKnown(f, values == null ? List.of() : values, depth + 1));
    }
    byKey.forEach((k, values) -> fields.add(infer(k, values, null, depth + 1)));
    return g.withNewFields(fields);
  }

  /** The non-null values of each key of the maps among {@code samples}, keys in first-seen order. */
  private static Map<String, List<Object>> fieldsOf(List<Object> samples) {
    Map<String, List<Object>> byKey = new LinkedHashMap<>();
    for (Object s : samples) {
      if (s instanceof Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          List<Object> values = byKey.computeIfAbsent(String.valueOf(e.getKey()),
              k -> new ArrayList<>());
          if (e.getValue() != null) {
            values.add(e.getValue());
          }
        }
      }
    }
    return byKey;
  }

  private static List<Object> elementsOf(List<Object> samples) {
    List<Object> elements = new ArrayList<>();
    for (Object s : samples) {
      if (s instanceof List<?> l) {
        for (Object e : l) {
          if (e != null) {
            elements.add(e);
          }
        }
      }
    }
    return elements;
  }

  static Type string(String name) {
    return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
        .named(name);
  }

  /** The pyarrow list layout: {@code optional group name (LIST) { repeated group list { element } }}. */
  static GroupType list(String name, Type element) {
    return Types.optionalGroup().as(LogicalTypeAnnotation.listType())
        .addField(new GroupType(Type.Repetition.REPEATED, "list", element))
        .named(name);
  }
}
