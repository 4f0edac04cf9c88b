package dev.refinery.run;

import dev.refinery.internal.FileTrees;
import dev.refinery.io.AtomicFile;
import dev.refinery.pipeline.StepStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * Requests that failed (a generation, a judgement) and are sent again when a run is resumed:
 * counting them, and reopening a finished run that had them.
 */
final class Retries {
  private Retries() {}


  /** The failed requests among these steps' drops. */
  static long count(List<StepStats> steps) {
    long n = 0;
    for (StepStats s : steps) {
      for (String reason : StepStats.RETRIABLE) {
        n += s.dropped().getOrDefault(reason, 0L);
      }
    }
    return n;
  }

  /**
   * Makes a run that finished with failed requests unfinished again, so that resuming it redoes
   * the partitions that had them and everything after, sending only the failed requests: the
   * output those partitions and every partition of the later stages had is kept aside in {@code
   * .work/earlier/}, and their steps reuse the rows found there by uuid ({@link EarlierOutput},
   * {@link StepContext#earlierRows()}), with the rows later steps of their stage dropped after a
   * generate or judge (kept in the work folder by {@link LocalRunner}) and their recorded drops (a
   * low grade is not asked again). Requested again are the failures, and the rows of a step
   * that cannot tell its own earlier rows: a later step of its stage may change what it passed
   * on (a filter that rewrites text), or did (a judge's rows scored by a later score-only
   * filter). Each step leaves a state that resumes consistently: first the finished mark, then
   * the outputs, then the later stages (their observations, markers, then parts set aside), last
   * the failed partitions' outputs are copied aside and their markers deleted.
   */
  static void reopen(RunFolder folder, Consumer<String> note) throws IOException {
    TreeMap<Integer, List<Integer>> failed = new TreeMap<>();
    for (int stage = 0; Files.isDirectory(folder.stage(stage)); stage++) {
      for (int p = 0; Files.exists(folder.marker(stage, p)); p++) {
        PartitionStats stats;
        try {
          stats = PartitionStats.fromJson(Files.readString(folder.marker(stage, p)));
        } catch (Exception e) {
          continue;
        }
        if (count(stats.steps()) > 0) {
          failed.computeIfAbsent(stage, k -> new ArrayList<>()).add(p);
        }
      }
    }
    if (failed.isEmpty()) {
      return;
    }
    int first = failed.firstKey();
    long partitions = failed.get(first).size();
    Files.delete(folder.stats());
    FileTrees.delete(folder.root().resolve("data"));
    FileTrees.delete(folder.tokenized());
    // Drops are handled per partition below, as each partition wrote them.
    for (int stage = first; Files.isDirectory(folder.stage(stage)); stage++) {
      DroppedFiles.explode(folder, stage);
    }
    long kept = 0;
    for (int stage = first + 1; Files.isDirectory(folder.stage(stage)); stage++) {
      FileTrees.delete(folder.planned(stage));
      FileTrees.delete(folder.keyed(stage));
      List<Path> files;
      try (Stream<Path> s = Files.list(folder.stage(stage))) {
        files = s.sorted().toList();
      }
      for (Path f : files) {
        if (RunFolder.isMarker(f)) {
          Files.delete(f);
        }
      }
      for (Path f : files) {
        Matcher m = RunFolder.PART.matcher(f.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        int p = Integer.parseInt(m.group(1));
        Files.createDirectories(folder.earlier(stage, p).getParent());
        setAside(folder.dropped(stage, p), folder.earlierDrops(stage, p));
        setAside(folder.droppedRows(stage, p), folder.earlierDroppedRows(stage, p));
        Files.move(f, folder.earlier(stage, p), StandardCopyOption.REPLACE_EXISTING);
        kept++;
      }
      FileTrees.delete(folder.stage(stage));
    }
    // Failures of later stages are in the later stages' outputs just set aside.
    // A finished partition keeps its files until its marker is gone: copies are set aside.
    for (int p : failed.get(first)) {
      copyAside(folder.part(first, p), folder.earlier(first, p));
      copyAside(folder.dropped(first, p), folder.earlierDrops(first, p));
      copyAside(folder.droppedRows(first, p), folder.earlierDroppedRows(first, p));
      kept++;
      Files.deleteIfExists(folder.marker(first, p));
      // The retry writes the partition's drops anew (none, when nothing fails again).
      Files.deleteIfExists(folder.dropped(first, p));
      Files.deleteIfExists(folder.droppedRows(first, p));
    }
    note.accept("retrying the failed requests of " + partitions + " partition"
        + (partitions == 1 ? "" : "s") + " of stage " + first + " (and every later stage; the "
        + "rows of " + kept + " earlier partition outputs are reused)");
  }

  /** Moves {@code from}, when it exists, to {@code to}; or removes an older {@code to}. */
  private static void setAside(Path from, Path to) throws IOException {
    if (Files.exists(from)) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.deleteIfExists(to);
    }
  }

  /** Copies {@code from}, when it exists, to {@code to} atomically; or removes an older one. */
  private static void copyAside(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      Files.deleteIfExists(to);
      return;
    }
    AtomicFile copy = new AtomicFile(to);
    Files.copy(from, copy.temp(), StandardCopyOption.REPLACE_EXISTING);
    copy.commit();
  }
}
