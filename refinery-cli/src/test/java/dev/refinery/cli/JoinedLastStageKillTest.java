package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.demo.SampleData;
import dev.refinery.io.FileKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline whose last stage only joins exact_dedup's verdicts has no stage file for it: the
 * sink reads the input through the verdicts. A child run killed with SIGKILL while the sink
 * writes (at checkpoints of the runner's test seam, as {@link RunLifecycleTest}'s) is resumed to
 * the bytes of an uninterrupted run.
 */
class JoinedLastStageKillTest {
  @TempDir Path dir;

  private Path pipeline(Path input, Path out) throws Exception {
    Path yaml = out.resolveSibling(out.getFileName() + ".yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - exact_dedup: {key: prompt}
        output: {path: %s, format: jsonl, shards: 3}
        seed: 5
        """.formatted(input, out));
    return yaml;
  }

  @Test
  void killedWhileTheSinkReadsThroughTheVerdictsAndResumedGivesTheSameBytes() throws Exception {
    Path input = dir.resolve("in");
    SampleData.write(input, SampleData.Spec.of(600, 11).withShardRows(50)
        .withFileKind(FileKind.JSONL));
    Files.writeString(input.resolve("data/chat-00099-of-00100.jsonl"), "not json\n");
    Path whole = dir.resolve("whole");
    RunLifecycleTest.Child child = RunLifecycleTest.Child.start(pipeline(input, whole), -1,
        Map.of());
    assertThat(child.process().waitFor()).as(child.output()).isZero();
    Matcher m = Pattern.compile("refinery-test: (\\d+) checkpoints").matcher(child.output());
    assertThat(m.find()).as(child.output()).isTrue();
    long checkpoints = Long.parseLong(m.group(1));
    Map<String, String> expected = RunLifecycleTest.contents(whole);
    assertThat(expected.get("stats.json")).contains("\"exact_duplicate\"")
        .contains("\"rejected\":1");

    // The last checkpoints are the sink's (then one after it, one after stats.json).
    for (long point : List.of(checkpoints - 3, checkpoints - 6)) {
      Path out = dir.resolve("killed-at-" + point);
      Path yaml = pipeline(input, out);
      RunLifecycleTest.Child killed = RunLifecycleTest.Child.start(yaml, point, Map.of());
      killed.awaitPause();
      killed.process().destroyForcibly().waitFor();
      assertThat(out.resolve("stats.json")).doesNotExist();
      List<String> lastStage;
      try (Stream<Path> s = Files.list(out.resolve(".work/s1"))) {
        lastStage = s.map(p -> p.getFileName().toString()).toList();
      }
      assertThat(lastStage).as("the last stage's markers, and no stage file")
          .isNotEmpty().allMatch(name -> name.endsWith(".done.json"));

      Cli resumed = Cli.run("run", yaml.toString(), "--resume", "--workers", "2");
      assertThat(resumed.status()).as(resumed.err()).isZero();
      assertThat(RunLifecycleTest.contents(out)).as("killed at checkpoint " + point)
          .isEqualTo(expected);
      assertThat(RunLifecycleTest.leftovers(out)).isEmpty();
    }
  }
}
