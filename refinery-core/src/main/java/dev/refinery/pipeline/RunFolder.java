package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The run folder's chores that are not the running itself: which files a pipeline's steps use
 * (for the manifest and the fingerprint), the Refinery build, temp-file clean-up, reading a
 * finished run back, and the checkpoint seam the crash tests stop the process at.
 */
final class RunFolder {
  private RunFolder() {}

  /** A file a step names in one of its parameters (a benchmark, tokenizer, template...). */
  record Used(String step, String param, Path path) {}

  record Usage(List<Used> entries) {
    List<Path> paths() {
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
  static Usage used(PipelineSpec spec) {
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

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read: "
          + IoErrors.reason(e), e);
    }
  }

  static String fileSha256(Path file) {
    try {
      return FileDigests.sha256(file);
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read: "
          + IoErrors.reason(e), e);
    }
  }

  static String textOrNull(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The fingerprint digest a manifest recorded, or null (an older manifest, none at all). */
  static String recordedFingerprint(Path manifest) {
    String text = textOrNull(manifest);
    return text != null && Json.parseOrNull(text) instanceof Map<?, ?> m
        && m.get("fingerprint") instanceof String f ? f : null;
  }

  /**
   * The Refinery that runs: its version and the git commit it was built from, baked in at build
   * time ({@code unknown} when built outside a git checkout; the commit ends in {@code -dirty}
   * when the checkout had uncommitted changes).
   */
  static Map<String, Object> build() {
    Properties p = new Properties();
    try (InputStream in = RunFolder.class.getResourceAsStream("/dev/refinery/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Unknown is what the manifest then says.
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", known(p.getProperty("version")));
    m.put("commit", known(p.getProperty("commit")));
    m.put("java", System.getProperty("java.version"));
    return m;
  }

  private static String known(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value.strip();
  }

  private static final Pattern TEMP = Pattern.compile("\\..+\\.tmp-(\\d+)-\\d+");

  /** Deletes the temp files (of unfinished atomic writes) that process {@code pid} left. */
  static void deleteTempFiles(Path run, long pid) {
    deleteTemps(run, p -> p == pid);
  }

  /** Deletes temp files whose process is gone (killed): they can never be finished. */
  static void deleteStaleTempFiles(Path run) {
    long self = ProcessHandle.current().pid();
    deleteTemps(run, p -> p != self && ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true));
  }

  private static void deleteTemps(Path run, LongPredicate whose) {
    if (!Files.isDirectory(run)) {
      return;
    }
    try (Stream<Path> s = Files.walk(run)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Matcher m = TEMP.matcher(p.getFileName().toString());
        if (m.matches() && whose.test(Long.parseLong(m.group(1)))) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Best effort: a temp file has a name no reader picks up.
    }
  }

  /** The result of the run finished in {@code run}, read back from its stats.json. */
  @SuppressWarnings("unchecked")
  static LocalRunner.Result finishedResult(Path run) {
    Path statsFile = run.resolve("stats.json");
    Object parsed = Json.parseOrNull(textOrNull(statsFile));
    if (!(parsed instanceof Map<?, ?>)) {
      throw new RefineryException(statsFile + ": not the stats of a finished run; remove the "
          + "folder to start over");
    }
    Map<String, Object> m = (Map<String, Object>) parsed;
    List<StepStats> steps = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("steps", List.of())) {
      Map<String, Object> s = (Map<String, Object>) o;
      Map<String, Long> dropped = new LinkedHashMap<>();
      ((Map<String, Object>) s.getOrDefault("dropped", Map.of()))
          .forEach((k, v) -> dropped.put(k, ((Number) v).longValue()));
      Map<String, Long> counted = new LinkedHashMap<>();
      ((Map<String, Object>) s.getOrDefault("counted", Map.of()))
          .forEach((k, v) -> counted.put(k, ((Number) v).longValue()));
      double seconds = s.get("seconds") instanceof Number n ? n.doubleValue() : 0;
      steps.add(new StepStats((String) s.get("name"), number(s, "in"), number(s, "out"),
          dropped, Math.round(seconds * 1e9), counted, number(s, "repeated")));
    }
    List<Path> shards = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("shards", List.of())) {
      shards.add(run.resolve((String) o));
    }
    return new LocalRunner.Result(number(m, "read"), number(m, "written"), number(m, "dropped"),
        number(m, "rejected"), number(m, "repeated"), steps, run, shards, true);
  }

  private static long number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.longValue() : 0;
  }

  // The crash and signal tests' seam: -Drefinery.test.pauseAt=N makes the Nth checkpoint of
  // this process print a line and wait until the process is killed (SIGKILL) or shuts down (a
  // signal: the run then stops as it would have there); -1 counts checkpoints only.
  private static final long PAUSE_AT = Long.getLong("refinery.test.pauseAt", 0);
  private static final AtomicLong CHECKPOINTS = new AtomicLong();
  private static volatile boolean shuttingDown;

  static void checkpoint() {
    if (PAUSE_AT == 0) {
      return;
    }
    long n = CHECKPOINTS.incrementAndGet();
    if (n == PAUSE_AT) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> shuttingDown = true));
      System.err.println("refinery-test: paused at checkpoint " + n);
      System.err.flush();
      while (!shuttingDown) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          // Only the end of the process ends the pause.
        }
      }
    }
  }

  /** With the seam on, tells how many checkpoints the run passed. */
  static void reportCheckpoints() {
    if (PAUSE_AT != 0) {
      System.err.println(String.format(Locale.ROOT, "refinery-test: %d checkpoints",
          CHECKPOINTS.get()));
    }
  }
}
