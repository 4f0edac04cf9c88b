package dev.refinery.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.refinery.RefineryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as plain values (Map, List, String, Long, Double, Boolean, null) plus the line
 * each value starts on, by key path ({@code steps[2].filter.name}), so that every error about a
 * pipeline can name the line of the YAML it is about.
 */
final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private final String file;
  private final Object root;
  private final Map<String, Integer> lines;
  /** False for a tree built from values in Java: its errors name key paths, no lines. */
  private final boolean located;

  private YamlTree(String file, Object root, Map<String, Integer> lines, boolean located) {
    this.file = file;
    this.root = root;
    this.lines = Collections.unmodifiableMap(lines);
    this.located = located;
  }

  /**
   * A tree of values assembled in Java (a pipeline builder's), checked and converted to what
   * parsing YAML gives (Integer to Long, Float to Double), so the same spec code reads it.
   */
  static YamlTree of(String file, Object root) {
    return new YamlTree(file, plain(file, root, ""), Map.of(), false);
  }

  private static Object plain(String file, Object v, String path) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long
        || v instanceof Double) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new RefineryException(file + " " + path + ": keys must be strings, got "
              + e.getKey());
        }
        out.put(key, plain(file, e.getValue(), path.isEmpty() ? key : path + "." + key));
      }
      return out;
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object item : list) {
        out.add(plain(file, item, path + "[" + out.size() + "]"));
      }
      return out;
    }
    throw new RefineryException(file + " " + path + ": a " + v.getClass().getSimpleName()
        + " is not a YAML value; use a string, number, boolean, list or map");
  }

  static YamlTree read(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new RefineryException(path + ": cannot read: " + dev.refinery.internal.IoErrors.reason(e), e);
    }
    return parse(path.toString(), text);
  }

  static YamlTree parse(String file, String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      Object root = t == null ? null : read(file, p, t, "", lines);
      return new YamlTree(file, root, lines, true);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      String message = e.getOriginalMessage() == null ? "invalid YAML" : e.getOriginalMessage();
      int nl = message.indexOf('\n');
      throw new RefineryException(file + ":" + line + ": invalid YAML: "
          + (nl < 0 ? message : message.substring(0, nl)));
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read: " + dev.refinery.internal.IoErrors.reason(e), e);
    }
  }

  private static Object read(String file, JsonParser p, JsonToken t, String path,
      Map<String, Integer> lines) throws IOException {
    // A mapping's value starts below its key in block style; errors name the key's line.
    lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          String child = path.isEmpty() ? key : path + "." + key;
          int line = p.currentTokenLocation().getLineNr();
          if (map.containsKey(key)) {
            // YAML says keys are unique; SnakeYAML would silently keep the last one.
            throw new RefineryException(file + ":" + line + " " + child + ": duplicate key '"
                + key + "' (first on line " + lines.get(child) + ")");
          }
          lines.put(child, line);
          map.put(key, read(file, p, p.nextToken(), child, lines));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        JsonToken next;
        while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(read(file, p, next, path + "[" + list.size() + "]", lines));
        }
        return list;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new RefineryException("unexpected YAML token " + t);
    }
  }

  Object root() {
    return root;
  }

  /** {@code file:line key} for messages about the value at {@code path}. */
  String where(String path) {
    if (!located) {
      return file + (path.isEmpty() ? "" : " " + path);
    }
    Integer line = lines.get(path);
    for (String p = path; line == null && !p.isEmpty(); ) {
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
      line = lines.get(p);
    }
    return file + ":" + (line == null ? 1 : line) + (path.isEmpty() ? "" : " " + path);
  }

  String file() {
    return file;
  }
}
