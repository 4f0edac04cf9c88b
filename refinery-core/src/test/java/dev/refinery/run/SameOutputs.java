package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.refinery.pipeline.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs a pipeline with LocalRunner and then with {@link ShuffledRunner} under several shuffle
 * seeds, and asserts the same files with the same bytes, the same totals and the same drops. A
 * command's test builds the pipeline its command builds ({@link Pipeline#canned}) with every
 * output (the output file or folder, a rejects file) under one folder {@code out}, and calls
 * {@link #assertSameFiles}.
 *
 * <p>Compared: every file under {@code out} outside the run folder (the sink's files and what its
 * {@code finish} copies), and every file in the run folder but its bookkeeping ({@code .work/},
 * {@code stats.json}, {@code manifest.json}, {@code run.log}, a shuffle's {@code shuffle.json}
 * with the sorted runs it merged): {@code data/}, {@code tokenized/},
 * {@code rejects/}, a blend's manifest, a keyed step's lines file. The shuffled runner's run
 * folder is elsewhere, so a sink writes what belongs in the run folder (an output folder's shards)
 * under {@link SinkInput#folder()}, as {@link RunShards} does, and a file of its own (convert's
 * OUT, a --rejects file) at its own path; a sink that wrote into LocalRunner's run folder from
 * the shuffled run fails here.
 */
public final class SameOutputs {
  private SameOutputs() {}

  /** Names in a run folder that say how a run went, not what it wrote. */
  private static final Set<String> BOOKKEEPING = Set.of(".work", "stats.json", "manifest.json",
      "run.log", "shuffle.json");

  /** The run folder's files appear under this prefix, the others by their path under out. */
  private static final String RUN = "<run folder>/";

  static final long[] SEEDS = {1, 2, 3};

  /**
   * Runs {@code pipeline} with LocalRunner (2 workers), then with the shuffled runner once per
   * seed of {@link #SEEDS}, each in a new run folder under {@code scratch}; returns LocalRunner's
   * result. {@code out} must hold every output of the pipeline and nothing else (not its input).
   */
  public static Runner.Result assertSameFiles(Pipeline pipeline, Path out, Path scratch) {
    Runner.Result local = LocalRunner.run(pipeline,
        new Runner.Options(2, false, Runner.Progress.NONE));
    assertThat(local.conserved()).as(local.balance()).isTrue();
    Path outs = out.toAbsolutePath().normalize();
    Path localRun = pipeline.sink().runFolder().toAbsolutePath().normalize();
    Map<String, byte[]> expected = files(outs, localRun, localRun);
    for (Path f : local.shards()) {
      assertThat(f.toAbsolutePath().normalize()).as("a file the sink wrote").startsWith(outs);
    }
    Map<String, byte[]> localRunFiles = files(localRun, localRun, localRun);
    for (long seed : SEEDS) {
      clearOutside(outs, localRun);
      Path run = scratch.toAbsolutePath().normalize().resolve("shuffled-" + seed);
      ShuffledRunner.Result shuffled = ShuffledRunner.run(pipeline, seed, run);
      String as = "shuffle seed " + seed + " (" + shuffled.how() + ")";
      assertThat(shuffled.read()).as(as).isEqualTo(local.read());
      assertThat(shuffled.rejected()).as(as).isEqualTo(local.rejected());
      assertThat(shuffled.repeated()).as(as).isEqualTo(local.repeated());
      assertThat(ShuffledRunner.nonZero(shuffled.drops())).as("drops by step and reason, " + as)
          .isEqualTo(ShuffledRunner.dropsOf(local.steps()));
      Map<String, byte[]> left = files(localRun, localRun, localRun);
      assertThat(left.keySet()).as("LocalRunner's run folder after the shuffled run, " + as
          + ": a sink writes what goes into the run folder under SinkInput.folder()")
          .containsExactlyElementsOf(localRunFiles.keySet());
      left.forEach((name, bytes) -> assertThat(Arrays.equals(bytes, localRunFiles.get(name)))
          .as("%s in LocalRunner's run folder unchanged by the shuffled run (%s): a sink writes "
              + "what goes into the run folder under SinkInput.folder()", name, as).isTrue());
      Map<String, byte[]> actual = files(outs, localRun, run);
      assertThat(actual.keySet()).as("files written, " + as)
          .containsExactlyElementsOf(expected.keySet());
      expected.forEach((name, bytes) -> {
        byte[] got = actual.get(name);
        int at = Arrays.mismatch(bytes, got);
        if (at >= 0) {
          fail("%s, %s: %d bytes, LocalRunner's %d; first difference at byte %d:%n"
              + "  local:    %s%n  shuffled: %s", name, as, got.length, bytes.length, at,
              around(bytes, at), around(got, at));
        }
      });
    }
    return local;
  }

  /**
   * The compared files by key, with their bytes: those under out but outside LocalRunner's run
   * folder {@code localRun}, and those in the run folder {@code run} but its bookkeeping.
   */
  private static Map<String, byte[]> files(Path out, Path localRun, Path run) {
    Map<String, byte[]> files = new TreeMap<>();
    try {
      for (Path f : walk(out)) {
        if (!f.startsWith(localRun)) {
          files.put(out.relativize(f).toString(), Files.readAllBytes(f));
        }
      }
      for (Path f : walk(run)) {
        if (!BOOKKEEPING.contains(run.relativize(f).getName(0).toString())) {
          files.put(RUN + run.relativize(f), Files.readAllBytes(f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static List<Path> walk(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).map(f -> f.toAbsolutePath().normalize()).toList();
    }
  }

  /** The bytes near {@code at}, as text (most outputs are text; Parquet shows as it can). */
  private static String around(byte[] bytes, int at) {
    int from = Math.max(0, at - 60);
    int to = Math.min(bytes.length, at + 60);
    return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1)
        .replaceAll("[^\\x20-\\x7e]", ".");
  }

  /** Deletes the outputs under out outside the run folder, so that a run must write them anew. */
  private static void clearOutside(Path out, Path run) {
    try {
      for (Path f : walk(out)) {
        if (!f.startsWith(run)) {
          Files.delete(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
