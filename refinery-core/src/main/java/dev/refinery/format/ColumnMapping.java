package dev.refinery.format;

import dev.refinery.RefineryException;
import dev.refinery.sample.Sample;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.parquet.schema.MessageType;

/**
 * A format read from (and written to) records whose columns have other names, as LLaMA-Factory's
 * {@code dataset_info.json} "columns" allow: {@code instruction=problem,output=generated_solution}
 * reads OpenMathInstruct-2 rows as Alpaca. The format's column on the left takes the record's
 * column on the right; other columns ride along unchanged, and encoding renames them back.
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
    return format.decode(rename(row, recordToFormat));
  }

  @Override
  public Map<String, Object> encode(Sample sample) {
    return rename(format.encode(sample), formatToRecord);
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
