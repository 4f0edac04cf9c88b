package dev.refinery.format;

import dev.refinery.RefineryException;
import dev.refinery.internal.Json;
import dev.refinery.sample.Columns;
import dev.refinery.sample.Sample;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.parquet.schema.MessageType;

/**
 * A format read from (and written to) records whose columns have other names, as LLaMA-Factory's
 * {@code dataset_info.json} "columns" allow: {@code instruction=problem,output=generated_solution}
 * reads OpenMathInstruct-2 rows as Alpaca. The format's column on the left takes the record's
 * column on the right; other columns ride along unchanged, and encoding renames them back. A
 * left side {@code metadata.FIELD} moves the record's column into that field of the metadata
 * ({@code metadata.expected_answer=answer} for a step that reads a reference there); encoding
 * moves it back out.
 */
final class ColumnMapping implements Format {
  private final Format format;
  /** The format's name of a column → the record's name of it. */
  private final Map<String, String> formatToRecord;
  private final Map<String, String> recordToFormat;

  ColumnMapping(Format format, Map<String, String> formatToRecord) {
    this.format = format;
    this.formatToRecord = Collections.unmodifiableMap(new LinkedHashMap<>(formatToRecord));
    Map<String, String> reverse = new LinkedHashMap<>();
    formatToRecord.forEach((f, r) -> {
      if (reverse.put(r, f) != null) {
        throw new RefineryException("--columns: column '" + r + "' is mapped twice");
      }
    });
    this.recordToFormat = Collections.unmodifiableMap(reverse);
  }

  /** Parses {@code a=b,c=d}; the one-line error names the bad pair. */
  static Map<String, String> parse(String spec) {
    Map<String, String> mapping = new LinkedHashMap<>();
    for (String pair : spec.split(",")) {
      String p = pair.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new RefineryException("--columns: '" + p + "' is not FORMAT_COLUMN=RECORD_COLUMN, "
            + "e.g. instruction=problem,output=generated_solution");
      }
      mapping.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
    }
    return mapping;
  }

  @Override
  public String name() {
    return format.name();
  }

  @Override
  public Sample decode(Map<String, Object> row) {
    Map<String, Object> renamed = rename(row, recordToFormat);
    for (Map.Entry<String, String> e : formatToRecord.entrySet()) {
      if (e.getKey().startsWith(Columns.METADATA_PREFIX) && renamed.containsKey(e.getKey())) {
        Map<String, Object> meta = metadataOf(renamed);
        String field = e.getKey().substring(Columns.METADATA_PREFIX.length());
        if (meta.containsKey(field)) {
          throw new SchemaException("metadata." + field + " is in the record and also mapped "
              + "from column '" + e.getValue() + "' by --columns");
        }
        meta.put(field, renamed.remove(e.getKey()));
        renamed.put("metadata", Json.write(meta));
      }
    }
    return format.decode(renamed);
  }

  @Override
  public Map<String, Object> encode(Sample sample) {
    Map<String, Object> row = format.encode(sample);
    for (Map.Entry<String, String> e : formatToRecord.entrySet()) {
      String field = e.getKey().startsWith(Columns.METADATA_PREFIX)
          ? e.getKey().substring(Columns.METADATA_PREFIX.length()) : null;
      if (field == null || !(row.get("metadata") instanceof String
          || row.get("metadata") instanceof Map)) {
        continue;
      }
      Map<String, Object> meta = metadataOf(row);
      if (meta.containsKey(field)) {
        Object value = meta.remove(field);
        row = new LinkedHashMap<>(row);
        if (meta.isEmpty()) {
          row.remove("metadata");
        } else {
          row.put("metadata", row.get("metadata") instanceof String ? Json.write(meta) : meta);
        }
        row.put(e.getKey(), value);
      }
    }
    return rename(row, formatToRecord);
  }

  /** A copy of the row's metadata object (JSON text or a map); empty when it has none. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadataOf(Map<String, Object> row) {
    Object raw = row.get("metadata");
    Object parsed = raw instanceof String text ? (text.isBlank() ? Map.of() : Json.parseOrNull(text))
        : raw == null ? Map.of() : raw;
    if (!(parsed instanceof Map<?, ?> m)) {
      throw new SchemaException("metadata is not a JSON object, so --columns cannot put a field "
          + "into it");
    }
    return new LinkedHashMap<>((Map<String, Object>) m);
  }

  @Override
  public MessageType parquetColumns() {
    MessageType fixed = format.parquetColumns();
    // Renamed columns no longer fit the format's fixed schema: infer them all instead.
    if (fixed != null && fixed.getFields().stream()
        .anyMatch(f -> formatToRecord.containsKey(f.getName()))) {
      return null;
    }
    return fixed;
  }

  /** Renames keys by {@code renames}; a clash between a renamed and an own key is an error. */
  private static Map<String, Object> rename(Map<String, Object> row, Map<String, String> renames) {
    Map<String, Object> out = new LinkedHashMap<>();
    row.forEach((key, value) -> {
      String to = renames.getOrDefault(key, key);
      if (out.containsKey(to)) {
        throw new SchemaException("column '" + to + "' is in the record and also mapped from "
            + "another column by --columns");
      }
      out.put(to, value);
    });
    return out;
  }
}
