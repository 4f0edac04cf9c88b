package dev.refinery.sample;

import dev.refinery.internal.Json;
import java.util.Map;

/**
 * A sample's value by column name, as steps that read one (a reference answer, a split key) name
 * it: {@code metadata.FIELD} for a field of the metadata JSON (a top-level field of that exact
 * name first, else the nested field its dots spell), or a top-level column: a Nemotron field
 * ({@code uuid}, {@code category}, ...) or any other column of the row, which rides along in
 * {@link Sample#extra()}.
 */
public final class Columns {
  public static final String METADATA_PREFIX = "metadata.";

  private Columns() {}

  /** The value of {@code column}, as text (JSON text unless it is a string), or null. */
  public static String text(Sample sample, String column) {
    Object v = value(sample, column);
    return v == null ? null : v instanceof String s ? s : Json.write(v);
  }

  /** The value of {@code column}, or null when the sample has none. */
  public static Object value(Sample sample, String column) {
    if (column.startsWith(METADATA_PREFIX)) {
      return metadataField(sample, column.substring(METADATA_PREFIX.length()));
    }
    return switch (column) {
      case "uuid" -> sample.uuid();
      case "license" -> sample.license();
      case "generator" -> sample.generator();
      case "version" -> sample.version();
      case "category" -> sample.category();
      case "reasoning" -> sample.reasoning();
      case "metadata" -> sample.metadata();
      default -> sample.extra().get(column);
    };
  }

  /** A field of the metadata JSON: the field named {@code name}, else the nested one its dots spell. */
  public static Object metadataField(Sample sample, String name) {
    Object meta = sample.metadata() == null ? null : Json.parseOrNull(sample.metadata());
    if (!(meta instanceof Map<?, ?> map)) {
      return null;
    }
    Object v = map.get(name);
    if (v != null || !name.contains(".")) {
      return v;
    }
    Object at = map;
    for (String part : name.split("\\.", -1)) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(part);
    }
    return at;
  }
}
