package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run folder's life as a user meets it, with the CLI in real child processes: a run stopped
 * by SIGTERM or Ctrl-C, killed with SIGKILL at seeded points, resumed, and resumed once finished.
 * Child processes stop at a checkpoint through the runner's test seam
 * ({@code -Drefinery.test.pauseAt=N}: the Nth checkpoint prints a line and waits), so the signal
 * lands at a known point of the run without any timing.
 */
class RunLifecycleTest {
  @TempDir static Path shared;
  static Path input;
  static Path benchmark;
  /** An uninterrupted run, and how many checkpoints it passed. */
  static Path whole;
  static long checkpoints;

  @TempDir Path dir;

  @BeforeAll
  static void uninterruptedRun() throws Exception {
    input = shared.resolve("in");
    // JSON Lines in and out: the child JVMs start faster without Parquet's classes.
    SampleData.write(input, SampleData.Spec.of(600, 11).withShardRows(50)
        .withFileKind(FileKind.JSONL));
    // Benchmark items: three prompts of the data itself, so decontamination drops rows.
    List<String> items = new ArrayList<>();
    for (InputFile f : Inputs.resolve(input.toString())) {
      try (SampleReader r = SampleReader.open(f, Formats.nemotron(), RejectHandler.FAIL)) {
        while (r.hasNext() && items.size() < 3) {
          Sample s = r.next();
          String prompt = s.messages().stream().filter(m -> m.role().equals(Message.USER))
              .map(Message::content).findFirst().orElse("");
          if (prompt.split("\\s+").length >= 15) {
            items.add(Json.write(Map.of("question", prompt)));
          }
        }
      }
      if (items.size() == 3) {
        break;
      }
    }
    assertThat(items).hasSize(3);
    benchmark = shared.resolve("bench.jsonl");
    Files.write(benchmark, items);
    whole = shared.resolve("whole");
    Child child = Child.start(pipeline(whole), -1, Map.of());
    assertThat(child.process.waitFor()).as(child.output()).isZero();
    String err = child.output();
    Matcher m = Pattern
        .compile("refinery-test: (\\d+) checkpoints").matcher(err);
    assertThat(m.find()).as(err).isTrue();
    checkpoints = Long.parseLong(m.group(1));
    assertThat(checkpoints).isGreaterThan(30);
  }

  /** A pipeline file in its own folder, writing to {@code out}. */
  static Path pipeline(Path out) throws IOException {
    Path yaml = out.resolveSibling(out.getFileName() + ".yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - filter: {name: length, target: answer, min_words: 5}
          - exact_dedup: {key: prompt}
          - fuzzy_dedup: {key: prompt, threshold: 0.7}
          - decontaminate: {benchmarks: [%s], ngram: 8}
          - filter: {name: turns, max_turns: 6}
        output: {path: %s, format: jsonl, shards: 3}
        seed: 5
        """.formatted(input, benchmark, out));
    return yaml;
  }

  /** The CLI's JVM itself (no launcher script between), so a signal reaches the run. */
  record Child(Process process, Path log) {
    static Child start(Path yaml, long pauseAt, Map<String, String> env, String... extra)
        throws IOException {
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-Drefinery.test.pauseAt=" + pauseAt, "-cp", System.getProperty("java.class.path"),
          Main.class.getName(), "run", yaml.toString(), "--workers", "2"));
      command.addAll(List.of(extra));
      Path log = yaml.resolveSibling(yaml.getFileName() + "." + pauseAt + ".log");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      return new Child(pb.start(), log);
    }

    /** Waits until the child says it paused (or has ended, which the caller then sees). */
    void awaitPause() throws Exception {
      while (process.isAlive() && !output().contains("refinery-test: paused at checkpoint")) {
        Thread.sleep(10);
      }
      assertThat(output()).as("the child pauses at its checkpoint")
          .contains("refinery-test: paused at checkpoint");
    }

    String output() throws IOException {
      return Files.readString(log);
    }
  }

  /** data/, rejects/ and stats.json (less its timings) as they are, by relative path. */
  static Map<String, String> contents(Path run) throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (String folder : List.of("data", "rejects")) {
      try (Stream<Path> s = Files.walk(run.resolve(folder))) {
        for (Path p : s.filter(Files::isRegularFile).toList()) {
          files.put(run.relativize(p).toString(), FileDigests.sha256(p));
        }
      }
    }
    files.put("stats.json", Files.readString(run.resolve("stats.json"))
        .replaceAll("\"seconds\":(\\{[^}]*}|[0-9.E-]+)", "\"seconds\":X"));
    return files;
  }

  static List<String> leftovers(Path run) throws IOException {
    try (Stream<Path> s = Files.walk(run)) {
      return s.map(p -> run.relativize(p).toString())
          .filter(p -> p.contains(".tmp-") || p.startsWith(".work")).toList();
    }
  }

  @Test
  void killedWithSigkillAtTenSeededPointsAndResumedGivesTheBytesOfAnUninterruptedRun()
      throws Exception {
    Map<String, String> expected = contents(whole);
    // Every step of the matrix drops rows, so a resume that redid one wrongly would show.
    assertThat(expected.get("stats.json")).contains("\"too_few_words\"")
        .contains("\"exact_duplicate\"").contains("\"fuzzy_duplicate\"")
        .contains("\"contaminated:");
    Random random = new Random(20261207L);
    TreeSet<Long> points = new TreeSet<>();
    while (points.size() < 10) {
      points.add(1 + (long) random.nextInt((int) checkpoints));
    }
    for (long point : points) {
      Path out = dir.resolve("killed-at-" + point);
      Path yaml = pipeline(out);
      Child child = Child.start(yaml, point, Map.of());
      child.awaitPause();
      child.process.destroyForcibly().waitFor(); // SIGKILL: no hooks, no clean-up
      assertThat(child.process.exitValue()).isEqualTo(137);

      Cli resumed = Cli.run("run", yaml.toString(), "--resume", "--workers", "2");
      assertThat(resumed.status()).as("resume after a kill at checkpoint " + point + ": "
          + resumed.err()).isZero();
      assertThat(contents(out)).as("killed at checkpoint " + point).isEqualTo(expected);
      assertThat(leftovers(out)).as("killed at checkpoint " + point).isEmpty();
    }
  }

  @Test
  void sigtermStopsCleanlyAndPrintsTheCommandThatResumes() throws Exception {
    stopBySignal(false);
  }

  @Test
  void ctrlCStopsCleanlyAndPrintsTheCommandThatResumes() throws Exception {
    // A JVM started with SIGINT ignored (a background job of a script) never sees Ctrl-C.
    Assumptions.assumeFalse(sigintIgnored(),
        "SIGINT is ignored in this environment");
    stopBySignal(true);
  }

  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 2) != 0;
      }
    }
    return false;
  }

  private void stopBySignal(boolean sigint) throws Exception {
    Path out = dir.resolve("stopped");
    Path yaml = pipeline(out);
    // Midway through the run: partitions done, others open, temp files on disk.
    Child child = Child.start(yaml, checkpoints / 2, Map.of("REFINERY_LAUNCHER", "bin/refinery"));
    child.awaitPause();
    long pid = child.process.pid();
    if (sigint) {
      assertThat(new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor())
          .isZero();
    } else {
      child.process.destroy(); // SIGTERM
    }
    int status = child.process.waitFor();
    String printed = child.output();
    assertThat(status).as(printed).isEqualTo(sigint ? 130 : 143);
    assertThat(printed).contains("stopped: finished work is kept in " + out)
        .contains("  bin/refinery run " + yaml + " --resume --workers 2");
    // One message on screen: run.log's line was echoed above it when the output was not a
    // terminal, saying the same in other words.
    assertThat(printed).doesNotContain("stopped by a signal");
    assertThat(leftovers(out)).as("no temp files").allMatch(p -> !p.contains(".tmp-"));
    assertThat(out.resolve(".work/spec.json")).exists();
    assertThat(Files.readString(out.resolve("run.log"))).contains("run " + yaml)
        .contains("stopped by a signal");

    Cli resumed = Cli.run("run", yaml.toString(), "--resume", "--workers", "2");
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(contents(out)).isEqualTo(contents(whole));
  }

  @Test
  void resumingAFinishedRunSaysSoAndExitsZero() throws Exception {
    Path out = dir.resolve("done");
    Path yaml = pipeline(out);
    assertThat(Cli.run("run", yaml.toString()).status()).isZero();
    Map<String, String> before = contents(out);
    String log = Files.readString(out.resolve("run.log"));

    Cli again = Cli.run("run", yaml.toString(), "--resume");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).contains("run folder: " + out + " holds a finished run of this "
        + "pipeline; nothing to do (read 600 = written ");
    // One message for the event, on stdout; the finished folder is not written to.
    assertThat(again.err()).doesNotContain("already finished");
    assertThat(contents(out)).isEqualTo(before);
    assertThat(Files.readString(out.resolve("run.log"))).isEqualTo(log);

    Cli fresh = Cli.run("run", yaml.toString());
    assertThat(fresh.status()).isEqualTo(1);
    assertThat(fresh.err().strip()).isEqualTo("error: " + out + ": a finished run is here "
        + "(stats.json); choose a new output path or remove the folder");

    Files.writeString(yaml, Files.readString(yaml).replace("seed: 5", "seed: 6"));
    Cli changed = Cli.run("run", yaml.toString(), "--resume");
    assertThat(changed.status()).isEqualTo(1);
    assertThat(changed.err()).contains("--resume with a different pipeline or input than the "
        + "run finished there");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theManifestRecordsTheSpecTheBuildAndTheDigestsOfEveryFileUsed() throws Exception {
    Map<String, Object> manifest = (Map<String, Object>) Json.parse(
        Files.readString(whole.resolve("manifest.json")));
    assertThat(manifest.get("pipeline_yaml")).isEqualTo(
        Files.readString(whole.resolveSibling("whole.yaml")));
    Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
    assertThat(spec).containsEntry("seed", 5L);
    assertThat((List<Object>) spec.get("steps")).hasSize(5);
    Map<String, Object> build = (Map<String, Object>) manifest.get("refinery");
    assertThat(build.get("version")).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(build).containsKey("commit");
    List<Map<String, Object>> used = (List<Map<String, Object>>) manifest.get("files_used");
    assertThat(used).singleElement().satisfies(u -> {
      assertThat(u).containsEntry("step", "steps[3].decontaminate")
          .containsEntry("param", "benchmarks").containsEntry("path", benchmark.toString())
          .containsEntry("bytes", Files.size(benchmark));
      assertThat(u.get("sha256")).isEqualTo(FileDigests.sha256(benchmark));
    });
    assertThat((List<Object>) manifest.get("inputs")).hasSize(
        Inputs.resolve(input.toString()).size());
    // Canonical: keys sorted, so the same run writes the same bytes in every JVM.
    String text = Files.readString(whole.resolve("manifest.json"));
    assertThat(text).isEqualTo(Json.writeCanonical(manifest) + "\n");
  }
}
