package dev.refinery.decontam;

import dev.refinery.RefineryException;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads benchmark items from JSONL / JSON files and builds a {@link Decontaminator} over them.
 *
 * <p>Without a field selector the first row's field names pick an adapter (first that fits):
 * <ul>
 *   <li>{@code question} + {@code choices}: MMLU, question then the choices
 *   <li>{@code question} + {@code options}: SAT math, question then the options
 *   <li>{@code body} + {@code question} (ASDiv), {@code Body} + {@code Question} (SVAMP)
 *   <li>{@code context} + {@code question}: OlympiadBench (context when not null)
 *   <li>{@code question} + {@code function}: BFCL, every message content of every turn
 *   <li>{@code text} + {@code test_list}: original MBPP
 *   <li>{@code prompt}: HumanEval, MBPP+ / sanitized MBPP, IFEval
 *   <li>{@code problem}: MATH, MATH-500, Minerva, AIME, AMC, HMMT
 *   <li>{@code question}: GSM8K, college math, Gaokao, OlympiadBench
 * </ul>
 * A file that fits none is an error naming the file, its fields and how to select one.
 */
public final class Benchmarks {
  private record Shape(String name, List<String> required, List<String> fields) {}

  private static final List<Shape> SHAPES = List.of(
      new Shape("mmlu", List.of("question", "choices"), List.of("question", "choices")),
      new Shape("sat_math", List.of("question", "options"), List.of("question", "options")),
      new Shape("asdiv", List.of("body", "question"), List.of("body", "question")),
      new Shape("svamp", List.of("Body", "Question"), List.of("Body", "Question")),
      new Shape("olympiadbench", List.of("context", "question"), List.of("context", "question")),
      new Shape("bfcl", List.of("question", "function"), List.of("question")),
      new Shape("mbpp", List.of("text", "test_list"), List.of("text")),
      new Shape("prompt", List.of("prompt"), List.of("prompt")),
      new Shape("problem", List.of("problem"), List.of("problem")),
      new Shape("question", List.of("question"), List.of("question")));

  /** Fields that name an item, first present wins; else the item is known by its line. */
  private static final List<String> ID_FIELDS = List.of(
      "task_id", "unique_id", "id", "ID", "key", "idx", "question_number");

  private Benchmarks() {}

  /** Items of every file of every source, in order. */
  public static List<BenchmarkItem> load(List<BenchmarkSource> sources) {
    List<BenchmarkItem> items = new ArrayList<>();
    for (BenchmarkSource source : sources) {
      items.addAll(load(source));
    }
    return items;
  }

  public static List<BenchmarkItem> load(BenchmarkSource source) {
    List<BenchmarkItem> items = new ArrayList<>();
    for (InputFile file : Inputs.resolve(source.path())) {
      String name = source.name() != null ? source.name() : defaultName(file.path());
      loadFile(file, name, source.fields(), items);
    }
    return items;
  }

  public static Decontaminator index(List<BenchmarkSource> sources, NgramOptions options) {
    return Decontaminator.build(load(sources), options);
  }

  /** {@code <folder>/<file name without extensions>}: {@code gsm8k/test}, {@code bfcl/BFCL_v4_…}. */
  static String defaultName(Path file) {
    String stem = file.getFileName().toString();
    String lower = stem.toLowerCase(Locale.ROOT);
    for (String suffix : List.of(".gz", ".zst", ".bz2")) {
      if (lower.endsWith(suffix)) {
        stem = stem.substring(0, stem.length() - suffix.length());
        lower = lower.substring(0, lower.length() - suffix.length());
      }
    }
    for (String suffix : List.of(".jsonl", ".ndjson", ".json", ".parquet")) {
      if (lower.endsWith(suffix)) {
        stem = stem.substring(0, stem.length() - suffix.length());
        break;
      }
    }
    Path parent = file.toAbsolutePath().getParent();
    return parent == null || parent.getFileName() == null ? stem
        : parent.getFileName() + "/" + stem;
  }

  private static void loadFile(InputFile file, String benchmark, List<String> selectors,
      List<BenchmarkItem> out) {
    List<String> fields = selectors;
    try (RowReader reader = RowReaders.open(file)) {
      RawRow row;
      while ((row = reader.next()) != null) {
        if (row.isBad()) {
          throw new RefineryException(row.location() + ": not a JSON record: " + row.error());
        }
        Map<String, Object> values = row.fields();
        if (fields.isEmpty()) {
          fields = shapeOf(values, row.location().toString());
        }
        String text = textOf(values, fields, row.location().toString());
        if (text.isBlank()) {
          continue;
        }
        out.add(new BenchmarkItem(benchmark, idOf(values, row), row.location().toString(), text));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> shapeOf(Map<String, Object> row, String where) {
    for (Shape shape : SHAPES) {
      if (row.keySet().containsAll(shape.required())) {
        return shape.fields();
      }
    }
    throw new RefineryException(where + ": cannot tell which field holds the benchmark text "
        + "(fields: " + String.join(", ", row.keySet()) + "); name one with a field selector,"
        + " e.g. fields: [" + row.keySet().stream().findFirst().orElse("question") + "]");
  }

  private static String textOf(Map<String, Object> row, List<String> selectors, String where) {
    StringBuilder text = new StringBuilder();
    for (String selector : selectors) {
      List<Object> found = new ArrayList<>();
      if (!select(row, selector.split("\\."), 0, found)) {
        throw new RefineryException(where + ": no field '" + selector + "' (fields: "
            + String.join(", ", row.keySet()) + ")");
      }
      for (Object value : found) {
        appendText(value, text);
      }
    }
    return text.toString().strip();
  }

  /** False when a named field is missing; nulls are present but have no text. */
  private static boolean select(Object value, String[] path, int depth, List<Object> out) {
    if (depth == path.length) {
      out.add(value);
      return true;
    }
    String step = path[depth];
    if (value instanceof Map<?, ?> map) {
      return map.containsKey(step) && select(map.get(step), path, depth + 1, out);
    }
    if (value instanceof List<?> list) {
      if (!step.isEmpty() && step.chars().allMatch(Character::isDigit)) {
        int i = Integer.parseInt(step);
        return i < list.size() && select(list.get(i), path, depth + 1, out);
      }
      boolean any = list.isEmpty();
      for (Object element : list) {
        any |= select(element, path, depth, out);
      }
      return any;
    }
    return value == null;
  }

  /**
   * Strings as they are; lists element by element; chat messages ({@code role}, {@code content})
   * by their content only, so role names do not count as benchmark words.
   */
  private static void appendText(Object value, StringBuilder text) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      list.forEach(v -> appendText(v, text));
      return;
    }
    if (value instanceof Map<?, ?> map) {
      if (map.containsKey("content")) {
        appendText(map.get("content"), text);
      } else {
        map.values().forEach(v -> appendText(v, text));
      }
      return;
    }
    if (!text.isEmpty()) {
      text.append('\n');
    }
    text.append(value);
  }

  private static String idOf(Map<String, Object> row, RawRow raw) {
    for (String field : ID_FIELDS) {
      Object v = row.get(field);
      if (v != null) {
        return String.valueOf(v);
      }
    }
    long line = raw.location().line();
    return line >= 0 ? "line " + line : raw.location().toString();
  }
}
