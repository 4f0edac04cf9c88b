package dev.refinery.filter;

import dev.refinery.RefineryException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Parameter values checked against their declarations: every given name is declared, every value
 * has the declared type (ints widen to doubles) and lies in the declared range, missing ones take
 * their defaults. Errors name the parameter and the valid choices or range, and start with {@code
 * where} (e.g. the YAML line and key path).
 */
public final class Params implements Serializable {
  private final Map<String, Object> values;

  private Params(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  public static Params resolve(List<Param> declared, Map<String, ?> given, String where) {
    return resolve(declared, given, where, name -> where + "." + name);
  }

  /**
   * As {@link #resolve(List, Map, String)}, with {@code whereOf} naming where a given parameter's
   * value is (its own YAML line and key path) for errors about that value.
   */
  public static Params resolve(List<Param> declared, Map<String, ?> given, String where,
      UnaryOperator<String> whereOf) {
    Map<String, Param> byName = new LinkedHashMap<>();
    declared.forEach(p -> byName.put(p.name(), p));
    for (String name : given.keySet()) {
      if (!byName.containsKey(name)) {
        throw new RefineryException(whereOf.apply(name) + ": unknown parameter '" + name
            + "'; valid: "
            + (byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet())));
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Param p : declared) {
      Object v = given.containsKey(p.name()) ? given.get(p.name()) : p.defaultValue();
      if (v == null) {
        throw new RefineryException(where + ": parameter '" + p.name() + "' is required ("
            + p.description() + ")");
      }
      values.put(p.name(), convert(p, v, given.containsKey(p.name()) ? whereOf.apply(p.name())
          : where + "." + p.name()));
    }
    return new Params(values);
  }

  /** Defaults only; for filters built in code. */
  public static Params defaults(List<Param> declared) {
    return resolve(declared, Map.of(), "defaults");
  }

  private static Object convert(Param p, Object v, String at) {
    switch (p.type()) {
      case INT:
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
          return inRange(p, at, "an integer", n.longValue(), v);
        }
        throw bad(at, "an integer", v);
      case DOUBLE:
        if (v instanceof Number n) {
          return inRange(p, at, "a number", n.doubleValue(), v);
        }
        throw bad(at, "a number", v);
      case BOOLEAN:
        if (v instanceof Boolean) {
          return v;
        }
        throw bad(at, "true or false", v);
      case PATH:
        // Blank means "not given" for optional paths; a required one fails where it is used.
        if (!(v instanceof String path)) {
          throw bad(at, "a path", v);
        }
        return path;
      case STRING:
        // YAML 1.1 reads an unquoted on/off as a boolean: give a choice of on/off its words back.
        if (v instanceof Boolean b && p.choices().contains("on") && p.choices().contains("off")) {
          v = b ? "on" : "off";
        }
        if (!(v instanceof String s)) {
          throw bad(at, "a string", v);
        }
        if (!p.choices().isEmpty() && !p.choices().contains(s)) {
          throw new RefineryException(at + ": '" + s + "' is not one of "
              + String.join(", ", p.choices()));
        }
        return s;
      case STRING_LIST:
        if (v instanceof String s) {
          return List.of(s);
        }
        if (v instanceof List<?> list) {
          List<String> out = new ArrayList<>();
          for (Object o : list) {
            if (!(o instanceof String s)) {
              throw bad(at, "a list of strings", v);
            }
            out.add(s);
          }
          return List.copyOf(out);
        }
        throw bad(at, "a list of strings", v);
      case DOUBLE_MAP:
        if (v instanceof Map<?, ?> map) {
          Map<String, Double> out = new LinkedHashMap<>();
          for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof Number n)) {
              throw bad(at + "." + e.getKey(), "a number", e.getValue());
            }
            out.put(String.valueOf(e.getKey()),
                inRange(p, at + "." + e.getKey(), "a number", n.doubleValue(), e.getValue()));
          }
          return Collections.unmodifiableMap(out);
        }
        throw bad(at, "a map of numbers", v);
      case STRING_MAP:
        if (v instanceof Map<?, ?> map && !map.isEmpty()) {
          Map<String, String> out = new LinkedHashMap<>();
          for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
              throw bad(at + "." + e.getKey(), "a string", e.getValue());
            }
            out.put(String.valueOf(e.getKey()), s);
          }
          return Collections.unmodifiableMap(out);
        }
        throw bad(at, "a map of strings (key: value, ...)", v);
      default:
        throw new IllegalStateException(p.type().toString());
    }
  }

  private static <N extends Number> N inRange(Param p, String at, String kind, N value,
      Object given) {
    if (p.range() != null && !p.range().contains(value.doubleValue())) {
      throw bad(at, kind + " " + p.range(), given);
    }
    return value;
  }

  private static RefineryException bad(String at, String expected, Object v) {
    return new RefineryException(at + ": expected " + expected + ", got "
        + (v instanceof String ? "'" + v + "'" : String.valueOf(v)));
  }

  public long getInt(String name) {
    return (Long) get(name);
  }

  public double getDouble(String name) {
    return (Double) get(name);
  }

  public boolean getBoolean(String name) {
    return (Boolean) get(name);
  }

  public String getString(String name) {
    return (String) get(name);
  }

  @SuppressWarnings("unchecked")
  public List<String> getStrings(String name) {
    return (List<String>) get(name);
  }

  @SuppressWarnings("unchecked")
  public Map<String, String> getStringMap(String name) {
    return (Map<String, String>) get(name);
  }

  @SuppressWarnings("unchecked")
  public Map<String, Double> getDoubleMap(String name) {
    return (Map<String, Double>) get(name);
  }

  private Object get(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("undeclared parameter " + name);
    }
    return values.get(name);
  }

  public Map<String, Object> asMap() {
    return values;
  }
}
