package dev.refinery.run;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.FileDigests;
import dev.refinery.io.InputFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run folder's layout and chores, apart from the running itself. The folder (the output path)
 * holds the output shards under {@code data/}, {@code stats.json}, {@code rejects/}, {@code
 * run.log} and {@code manifest.json}; work in progress lives under {@code .work/}: per stage
 * {@code s<k>/} one output and one completion marker per partition, per planned step {@code g<k>/}
 * its partitions' summaries, per keyed step {@code k<k>/} its sorted records, markers and
 * verdicts, the run's fingerprint in {@code spec.json}, and under {@code earlier/} the
 * outputs a retry reuses. It also fingerprints a run canonically, records the Refinery build,
 * cleans up temp files and holds the checkpoint seam the crash tests stop the process at.
 */
public final class RunFolder {
  /**
   * The name under rejects/ of rows the sink could not write (e.g. not expressible in a
   * command's output format).
   */
  public static final String UNWRITABLE = "unwritable.jsonl";

  private static final String WORK = ".work";

  private final Path root;
  private final Path work;
  private final Object logLock = new Object();

  public RunFolder(Path root) {
    this.root = root;
    this.work = root.resolve(WORK);
  }

  /** The run folder itself (the output path). */
  public Path root() {
    return root;
  }

  /** Work in progress: deleted when the run finishes with nothing left to retry. */
  public Path work() {
    return work;
  }

  /** The run's fingerprint, written first: what a resume must match. */
  public Path fingerprintFile() {
    return work.resolve("spec.json");
  }

  /** Written last: its presence means the run finished. */
  public Path stats() {
    return root.resolve("stats.json");
  }

  public Path manifest() {
    return root.resolve("manifest.json");
  }

  public Path rejects() {
    return root.resolve("rejects");
  }

  public Path log() {
    return root.resolve("run.log");
  }

  /** The folder of a stage's partition outputs and markers. */
  public Path stage(int stage) {
    return work.resolve("s" + stage);
  }

  /**
   * The work folder of a keyed step (the step before stage {@code stage}): its sorted runs,
   * completion markers and verdicts.
   */
  public Path keyed(int stage) {
    return work.resolve("k" + stage);
  }

  /** The folder of a planned step's summaries (the step before stage {@code stage}). */
  public Path planned(int stage) {
    return work.resolve("g" + stage);
  }

  public Path part(int stage, int partition) {
    return stage(stage).resolve(String.format("part-%05d", partition) + StageFiles.SUFFIX);
  }

  /** Matches the name of a partition output, group 1 its partition. */
  public static final Pattern PART =
      Pattern.compile("part-(\\d+)" + Pattern.quote(StageFiles.SUFFIX));

  /** Marks a finished partition: holds its stats. */
  public Path marker(int stage, int partition) {
    return stage(stage).resolve(String.format("part-%05d.done.json", partition));
  }

  public static boolean isMarker(Path file) {
    return file.getFileName().toString().endsWith(".done.json");
  }

  /**
   * A partition's summary for a planned step (the step before stage {@code stage}) in round
   * {@code round} (0: the step's own summary, then each refinement its plan asks for).
   */
  public Path summary(int stage, int round, int partition) {
    return planned(stage).resolve(String.format("part-%05d.r%d.summary", partition, round));
  }

  /**
   * The drops a partition recorded (always those with a detail; every one with keep_dropped) when
   * it could not write them straight into {@link #droppedOfInput} ({@link DroppedFiles}): a piece
   * in the work folder, appended to that file when the partitions before it finished.
   */
  public Path dropped(int stage, int partition) {
    return work.resolve("rejects").resolve(String.format("dropped-s%d-%05d.jsonl", stage,
        partition));
  }

  /** The drops a stage recorded from the rows of input file {@code index}. */
  public Path droppedOfInput(int stage, int index) {
    return rejects().resolve(String.format("dropped-s%d-%05d.jsonl", stage, index));
  }

  /** The rows the input stage could not decode from input file {@code index}. */
  public Path undecodable(int index) {
    return rejects().resolve(String.format("input-%05d.jsonl", index));
  }

  /** The rows the input stage could not decode from a partition, in the work folder. */
  public Path undecodablePart(int partition) {
    return work.resolve("rejects").resolve(String.format("input-%05d.jsonl", partition));
  }

  /** The rows later steps dropped after a step that reuses rows, kept for a retry. */
  public Path droppedRows(int stage, int partition) {
    return stage(stage).resolve(String.format("part-%05d.dropped.jsonl", partition));
  }

  /** A partition's output from before a retry, kept aside for its steps to reuse. */
  public Path earlier(int stage, int partition) {
    return work.resolve("earlier").resolve("s" + stage)
        .resolve(String.format("part-%05d", partition) + StageFiles.SUFFIX);
  }

  public Path earlierDroppedRows(int stage, int partition) {
    return work.resolve("earlier").resolve("s" + stage)
        .resolve(String.format("dropped-rows-%05d.jsonl", partition));
  }

  /** The drops that output's partition recorded, kept aside beside it. */
  public Path earlierDrops(int stage, int partition) {
    return work.resolve("earlier").resolve("s" + stage)
        .resolve(String.format("dropped-%05d.jsonl", partition));
  }

  /** The output of a final tokenize step. */
  public Path tokenized() {
    return root.resolve("tokenized");
  }

  /** An output shard of {@code n}. */
  public Path shard(int shard, int n, String format) {
    return root.resolve("data").resolve(String.format("train-%05d-of-%05d.%s", shard, n,
        format));
  }

  /**
   * What makes two runs the same run: the spec, the inputs' and the used files' names, sizes and
   * times. Canonical JSON, so the same run has the same fingerprint in every JVM.
   */
  public static String fingerprint(Map<String, Object> spec, List<InputFile> inputs,
      List<Path> used) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spec", spec);
    List<Object> files = new ArrayList<>();
    for (InputFile f : inputs) {
      files.add(List.of(f.path().toString(), Files.size(f.path()),
          Files.getLastModifiedTime(f.path()).toMillis()));
    }
    m.put("files", files);
    List<Object> usedFiles = new ArrayList<>();
    for (Path f : used) {
      usedFiles.add(List.of(f.toString(), Files.size(f), Files.getLastModifiedTime(f).toMillis()));
    }
    m.put("used", usedFiles);
    return Json.writeCanonical(m);
  }

  /** Writes a planned step's summary of a partition, atomically. */
  public static void writeSummary(Path target, Serializable object) throws IOException {
    AtomicFile file = new AtomicFile(target);
    try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(file.temp()))) {
      out.writeObject(object);
    }
    file.commit();
  }

  /** Reads back a summary {@link #writeSummary} wrote. */
  public static Serializable readSummary(Path file) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
      return (Serializable) in.readObject();
    } catch (ClassNotFoundException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read: "
          + IoErrors.reason(e), e);
    }
  }

  public static String fileSha256(Path file) {
    try {
      // A Hub file in LFS comes with its SHA-256: hashing it here would download it again.
      String listed = dev.refinery.hub.HubPaths.listedSha256(file);
      return listed != null ? listed : FileDigests.sha256(file);
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read: "
          + IoErrors.reason(e), e);
    }
  }

  public static String textOrNull(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The fingerprint digest a manifest recorded, or null (an older manifest, none at all). */
  public static String recordedFingerprint(Path manifest) {
    String text = textOrNull(manifest);
    return text != null && Json.parseOrNull(text) instanceof Map<?, ?> m
        && m.get("fingerprint") instanceof String f ? f : null;
  }

  /**
   * The Refinery that runs: its version and the git commit it was built from, baked in at build
   * time ({@code unknown} when built outside a git checkout; the commit ends in {@code -dirty}
   * when the checkout had uncommitted changes).
   */
  public static Map<String, Object> build() {
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
  public void deleteTempFiles(long pid) {
    deleteTemps(root, p -> p == pid);
  }

  /** Deletes temp files whose process is gone (killed): they can never be finished. */
  /**
   * Refuses to go on with a run whose stage files a Refinery before Parquet stage files wrote
   * (part-NNNNN.jsonl.zst): this version would not find them and redo or lose their work.
   */
  public void refuseOlderStageFiles() throws IOException {
    if (!Files.isDirectory(work)) {
      return;
    }
    try (Stream<Path> s = Files.walk(work)) {
      if (s.anyMatch(p -> OLDER_PART.matcher(p.getFileName().toString()).matches())) {
        throw new RefineryException(root + ": the unfinished run here was written by an older "
            + "Refinery (stage files as JSON Lines); go on with that version, or remove the "
            + "folder to start over");
      }
    }
  }

  private static final Pattern OLDER_PART = Pattern.compile("part-\\d+\\.jsonl\\.zst");

  public void deleteStaleTempFiles() {
    long self = ProcessHandle.current().pid();
    deleteTemps(root, p -> p != self && ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true));
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

  /**
   * Appends a time-stamped line to run.log at once: a run that is stopped or killed still has its
   * log up to then.
   */
  public void appendLog(String line) {
    String stamped = Instant.now() + " " + line + "\n";
    synchronized (logLock) {
      try {
        Files.writeString(log(), stamped, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new RefineryException(log() + ": cannot write: "
            + IoErrors.reason(e), e);
      }
    }
  }

  // The crash and signal tests' seam: -Drefinery.test.pauseAt=N makes the Nth checkpoint of
  // this process print a line and wait until the process is killed (SIGKILL) or shuts down (a
  // signal: the run then stops as it would have there); -1 counts checkpoints only.
  private static final long PAUSE_AT = Long.getLong("refinery.test.pauseAt", 0);
  private static final AtomicLong CHECKPOINTS = new AtomicLong();
  private static volatile boolean shuttingDown;

  public static void checkpoint() {
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
  public static void reportCheckpoints() {
    if (PAUSE_AT != 0) {
      System.err.println(String.format(Locale.ROOT, "refinery-test: %d checkpoints",
          CHECKPOINTS.get()));
    }
  }
}
