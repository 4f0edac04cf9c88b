package dev.refinery.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * JSON as plain Java values (String, Long, BigInteger, Double, Boolean, null, List, Map with
 * insertion order), read and written with Jackson's streaming API. Internal: no caller outside
 * Refinery should depend on it.
 */
public final class Json {
  /**
   * How deep arrays and objects may nest. Readers recurse once per level, so a line of 100,000
   * nested arrays would overflow the stack; past this depth Jackson throws a {@link
   * com.fasterxml.jackson.core.exc.StreamConstraintsException} (a parse error) instead, which
   * readers report as a bad record. 1000 is Jackson's own default; real data nests a few levels.
   */
  public static final int MAX_NESTING_DEPTH = 1000;

  public static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE)
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .maxNumberLength(10_000)
          .build())
      .build();

  private Json() {}

  /** Parses one JSON value. Throws {@link JsonProcessingException} on malformed input. */
  public static Object parse(String text) throws JsonProcessingException {
    try (JsonParser p = FACTORY.createParser(text)) {
      return parseWhole(p);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses one JSON value from UTF-8 bytes; invalid UTF-8 is reported as a parse error. */
  public static Object parse(byte[] utf8, int offset, int length) throws IOException {
    try (JsonParser p = FACTORY.createParser(utf8, offset, length)) {
      return parseWhole(p);
    }
  }

  /** Parses text that must be a JSON value, or returns null when it is not valid JSON. */
  public static Object parseOrNull(String text) {
    if (text == null) {
      return null;
    }
    try {
      return parse(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  public static boolean isValid(String text) {
    if (text == null) {
      return false;
    }
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  /** True when {@code text} is one JSON object and nothing after it. */
  public static boolean isObject(String text) {
    if (text == null) {
      return false;
    }
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static Object parseWhole(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new JsonParseException(p, "empty input");
    }
    Object value = read(p, first);
    JsonToken trailing = p.nextToken();
    if (trailing != null) {
      throw new JsonParseException(p,
          "unexpected " + trailing.asString() + " after the JSON value");
    }
    return value;
  }

  /** Reads the value that starts at the current token {@code t}. */
  public static Object read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken next;
        while ((next = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          map.put(name, read(p, p.nextToken()));
        }
        if (next != JsonToken.END_OBJECT) {
          throw new JsonParseException(p, "unterminated object");
        }
        return Collections.unmodifiableMap(map);
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        JsonToken next;
        while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
          if (next == null) {
            throw new JsonParseException(p, "unterminated array");
          }
          list.add(read(p, next));
        }
        return Collections.unmodifiableList(list);
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case BIG_INTEGER:
            return p.getBigIntegerValue();
          default:
            return p.getLongValue();
        }
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new JsonParseException(p, "unexpected token " + t);
    }
  }

  public static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Writes {@code value} canonically: object keys sorted (by UTF-16 code units, as RFC 8785), sets
   * as sorted arrays, every integer type as a plain integer, doubles and floats in their shortest
   * round-trip form computed by Jackson (not by the JDK, whose {@code Double.toString} changed in
   * Java 19), decimals without trailing zeros. The same value gives the same text in every JVM,
   * whatever map implementation or iteration order built it: for fingerprints compared across
   * runs, and for manifests and settings files meant to be compared or hashed.
   */
  public static String writeCanonical(Object value) {
    return canonicalText(canonical(value));
  }

  /** The text of a value {@link #canonical} already made. */
  private static String canonicalText(Object canonicalValue) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = CANONICAL.createGenerator(out)) {
      write(g, canonicalValue);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A set's item with its canonical text, the key it is sorted by. */
  private record Keyed(String text, Object value) {}

  private static final JsonFactory CANONICAL = JsonFactory.builder()
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();

  /** The value with maps as sorted maps, sets as sorted lists, numbers in one type per kind. */
  private static Object canonical(Object value) {
    if (value instanceof Map<?, ?> map) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (sorted.put(key, canonical(e.getValue())) != null) {
          throw new IllegalArgumentException("two keys read as '" + key + "'");
        }
      }
      return sorted;
    }
    if (value instanceof Set<?> set) {
      // Each item's text is written once, not at every one of the sort's comparisons.
      List<Keyed> keyed = new ArrayList<>();
      for (Object v : set) {
        Object c = canonical(v);
        keyed.add(new Keyed(canonicalText(c), c));
      }
      keyed.sort(Comparator.comparing(Keyed::text));
      List<Object> items = new ArrayList<>();
      keyed.forEach(k -> items.add(k.value()));
      return items;
    }
    if (value instanceof Iterable<?> list) {
      List<Object> items = new ArrayList<>();
      list.forEach(v -> items.add(canonical(v)));
      return items;
    }
    if (value instanceof Object[] array) {
      return canonical(Arrays.asList(array));
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (value instanceof BigDecimal d) {
      BigDecimal stripped = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
      return stripped.scale() <= 0 ? canonical(stripped.toBigIntegerExact()) : stripped;
    }
    if (value instanceof Double d && d == 0) {
      return 0.0; // -0.0 and 0.0 are one number
    }
    if (value instanceof Float f) {
      return f == 0 ? 0.0f : f;
    }
    if (value instanceof Double || value instanceof Long || value instanceof BigInteger
        || value instanceof Boolean || value instanceof String || value == null) {
      return value;
    }
    return value.toString();
  }

  public static void write(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        write(g, item);
      }
      g.writeEndArray();
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof Integer i) {
      g.writeNumber(i);
    } else if (value instanceof Double d) {
      g.writeNumber(d);
    } else if (value instanceof Float f) {
      g.writeNumber(f);
    } else if (value instanceof BigInteger b) {
      g.writeNumber(b);
    } else if (value instanceof BigDecimal b) {
      g.writeNumber(b);
    } else {
      g.writeString(value.toString());
    }
  }
}
