package dev.refinery.decontam;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Where benchmark items come from: a file, folder or glob of JSONL / JSON files, optionally a
 * name, and optionally which field(s) hold the text.
 *
 * @param path a file, a folder (its data files, not recursive) or a glob, as {@link
 *     dev.refinery.io.Inputs#resolve(String)} reads them
 * @param name the benchmark name for every file of the source; null names each file {@code
 *     <folder>/<file name without extension>}, e.g. {@code gsm8k/test}
 * @param fields field selectors whose texts are joined by newlines: a field name ({@code
 *     question}), a dotted path ({@code question.content}, a list on the way applies the rest to
 *     every element; a number picks one element). Empty lets the built-in adapters pick by the
 *     file's shape: see {@link Benchmarks}
 */
public record BenchmarkSource(String path, String name, List<String> fields)
    implements Serializable {
  public BenchmarkSource {
    Objects.requireNonNull(path, "path");
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  public static BenchmarkSource of(String path) {
    return new BenchmarkSource(path, null, List.of());
  }

  public BenchmarkSource named(String benchmarkName) {
    return new BenchmarkSource(path, benchmarkName, fields);
  }

  public BenchmarkSource withFields(String... selectors) {
    return new BenchmarkSource(path, name, List.of(selectors));
  }
}
