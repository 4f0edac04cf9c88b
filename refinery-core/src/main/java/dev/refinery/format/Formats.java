package dev.refinery.format;

import dev.refinery.RefineryException;
import dev.refinery.io.InputFile;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import dev.refinery.sample.Message;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The formats by name. An explicit list: no classpath scanning. */
public final class Formats {
  private static final Map<String, Format> BY_NAME = new LinkedHashMap<>();
  private static final Set<String> NEMOTRON_KEYS =
      Set.of("uuid", "license", "generator", "version", "category", "reasoning");

  static {
    for (Format f : List.<Format>of(new NemotronFormat(), new OpenAiFormat(),
        new ShareGptFormat(), new AlpacaFormat(), new LlamaNemotronFormat(), new PromptFormat())) {
      BY_NAME.put(f.name(), f);
    }
  }

  private Formats() {}

  /**
   * A message as a v1 row holds it (role, content, tool_calls with their extras, then the
   * message's own extra keys), without a {@code tool_calls} key when it has no calls.
   */
  public static Map<String, Object> v1Message(Message m) {
    Map<String, Object> out = NemotronFormat.encodeMessage(m);
    out.remove("tool_calls", null);
    return out;
  }

  public static Format nemotron() {
    return BY_NAME.get("nemotron");
  }

  public static Format byName(String name) {
    Format f = BY_NAME.get(name);
    if (f == null) {
      throw new RefineryException("unknown format '" + name + "'; valid formats: "
          + String.join(", ", BY_NAME.keySet()));
    }
    return f;
  }

  /**
   * The format of a file, told by the keys of its first readable record (bad lines before it are
   * skipped); nemotron when the file has no record. The rules, first match wins:
   *
   * <ol>
   *   <li>{@code conversations} → sharegpt;
   *   <li>{@code instruction} and {@code output} → alpaca;
   *   <li>{@code input} and {@code output} → llama-nemotron (its rows also carry {@code
   *       system_prompt} and {@code used_in_training});
   *   <li>{@code messages} with any of {@code uuid, license, generator, version, category,
   *       reasoning} → nemotron;
   *   <li>{@code messages} → openai (with or without {@code tools});
   *   <li>{@code prompt} → prompt (a bare prompt, one user turn);
   * </ol>
   *
   * @throws RefineryException (one line, naming the file and the record's keys) when no rule
   *     matches: reading on as some format would only fail every record
   */
  public static Format detect(InputFile file) {
    try {
      Map<String, Object> keys = file.kind() == dev.refinery.io.FileKind.PARQUET
          ? parquetKeys(file) : firstRecordKeys(file);
      if (keys == null) {
        return nemotron();
      }
      String name = detect(keys);
      if (name == null) {
        throw new RefineryException(file + ": cannot tell the record format from the first "
            + "record (keys: " + String.join(", ", keys.keySet()) + "); give "
            + "--from/--format, and --columns if the names differ");
      }
      return byName(name);
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read: "
          + dev.refinery.internal.IoErrors.reason(e), e);
    }
  }

  /** The keys of the first decodable record, or null when there is none. */
  private static Map<String, Object> firstRecordKeys(InputFile file) throws IOException {
    try (RowReader rows = RowReaders.open(file)) {
      RawRow row;
      while ((row = rows.next()) != null) {
        if (!row.isBad()) {
          return row.fields();
        }
      }
      return null;
    }
  }

  /**
   * A Parquet record's keys are its schema's top-level fields (a missing value is a null under
   * its key), so the footer tells what the first record would, without reading a row group: on
   * the Hub that is a footer instead of a whole row group of every column. Null for no rows.
   */
  private static Map<String, Object> parquetKeys(InputFile file) throws IOException {
    try (var reader = dev.refinery.io.ParquetFiles.open(file.path())) {
      if (reader.getRecordCount() == 0) {
        return null;
      }
      Map<String, Object> keys = new java.util.LinkedHashMap<>();
      for (org.apache.parquet.schema.Type t
          : reader.getFooter().getFileMetaData().getSchema().getFields()) {
        keys.put(t.getName(), null);
      }
      return keys;
    }
  }

  /**
   * The name of the format a record's keys say, by the rules of {@link #detect(InputFile)}, or
   * null when no rule matches.
   */
  public static String detect(Map<String, Object> row) {
    if (row.containsKey("conversations")) {
      return "sharegpt";
    }
    if (row.containsKey("instruction") && row.containsKey("output")) {
      return "alpaca";
    }
    if (row.containsKey("input") && row.containsKey("output")) {
      return "llama-nemotron";
    }
    if (row.containsKey("messages")) {
      for (String key : NEMOTRON_KEYS) {
        if (row.containsKey(key)) {
          return "nemotron";
        }
      }
      return "openai";
    }
    if (row.containsKey("prompt")) {
      return "prompt";
    }
    return null;
  }

  /**
   * {@code format} over records whose columns have other names: {@code mapping} is
   * "FORMAT_COLUMN=RECORD_COLUMN,..." (e.g. {@code instruction=problem,output=generated_solution}
   * reads OpenMathInstruct-2 rows as alpaca). A blank mapping returns {@code format} itself.
   */
  public static Format withColumns(Format format, String mapping) {
    if (mapping == null || mapping.isBlank()) {
      return format;
    }
    return new ColumnMapping(format, ColumnMapping.parse(mapping));
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
