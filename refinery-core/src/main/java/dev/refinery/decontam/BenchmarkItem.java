package dev.refinery.decontam;

import java.io.Serializable;
import java.util.Objects;

/**
 * One benchmark question as indexed for decontamination.
 *
 * @param benchmark the benchmark's name, e.g. {@code gsm8k/test}; drop reasons carry it
 * @param id the item's own id when its row has one ({@code task_id}, {@code id}, {@code
 *     unique_id}, {@code key}, …), else its line number in the file
 * @param location where it was read, {@code file:line}
 * @param text the text indexed: the selected field(s) joined by newlines
 */
public record BenchmarkItem(String benchmark, String id, String location, String text)
    implements Serializable {
  public BenchmarkItem {
    Objects.requireNonNull(benchmark, "benchmark");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    location = location == null ? "" : location;
  }

  public static BenchmarkItem of(String benchmark, String id, String text) {
    return new BenchmarkItem(benchmark, id, "", text);
  }
}
