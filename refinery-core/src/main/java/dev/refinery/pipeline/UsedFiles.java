package dev.refinery.pipeline;

import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which files a pipeline's steps use, for the run's manifest and fingerprint: a step's data is
 * part of what makes two runs the same run.
 */
public final class UsedFiles {
  private UsedFiles() {}

  /** A file a step names in one of its parameters (a benchmark, tokenizer, template...). */
  public record Used(String step, String param, Path path) {}

  public record Usage(List<Used> entries) {
    public List<Path> paths() {
      Set<Path> unique = new LinkedHashSet<>();
      entries.forEach(u -> unique.add(u.path()));
      return List.copyOf(unique);
    }
  }

  /** Files of these kinds are hashed when a parameter names their folder (not model weights). */
  private static final Pattern DATA_FILE = Pattern.compile(
      ".*\\.(json|jsonl|ndjson|parquet|jinja|j2|txt|model|tiktoken|ya?ml|csv)(\\.(gz|zst|bz2))?",
      Pattern.CASE_INSENSITIVE);

  /**
   * Every file a step parameter names, as the steps resolve it (relative to the pipeline file's
   * folder): a string, or a string in a list, that is an existing file, a folder (its data,
   * tokenizer and template files, recursively), or a glob. Built-in names (a template, an
   * encoding) are no files and are covered by the Refinery build recorded beside them.
   */
  public static Usage used(PipelineSpec spec) {
    List<Used> used = new ArrayList<>();
    Path base = spec.baseDir() == null ? Path.of("") : spec.baseDir();
    for (int i = 0; i < spec.steps().size(); i++) {
      PipelineSpec.StepSpec step = spec.steps().get(i);
      String name = "steps[" + i + "]." + step.kind();
      for (Map.Entry<String, Object> e : step.params().entrySet()) {
        List<String> values = new ArrayList<>();
        if (e.getValue() instanceof String v) {
          values.add(v);
        } else if (e.getValue() instanceof List<?> list) {
          list.forEach(o -> {
            if (o instanceof String v) {
              values.add(v);
            }
          });
        }
        for (String v : values) {
          for (Path f : files(base, v)) {
            used.add(new Used(name, e.getKey(), f));
          }
        }
      }
    }
    return new Usage(List.copyOf(used));
  }

  private static List<Path> files(Path base, String value) {
    if (value.isBlank() || value.contains("\n") || value.contains("://")) {
      return List.of();
    }
    try {
      if (value.contains("*")) {
        List<Path> out = new ArrayList<>();
        for (InputFile f : Inputs.resolve(base.resolve(value).normalize().toString())) {
          out.add(f.path());
        }
        return out;
      }
      Path path = base.resolve(value).normalize();
      if (Files.isRegularFile(path)) {
        return List.of(path);
      }
      if (Files.isDirectory(path)) {
        try (Stream<Path> s = Files.walk(path)) {
          return s.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> DATA_FILE.matcher(p.getFileName().toString()).matches())
              .sorted().toList();
        }
      }
    } catch (RuntimeException | IOException e) {
      // Not a path after all (an invalid name, a glob matching nothing): no file is used.
    }
    return List.of();
  }
}
