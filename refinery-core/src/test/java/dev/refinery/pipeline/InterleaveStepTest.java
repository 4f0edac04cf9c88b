package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.io.Inputs;
import dev.refinery.mix.Interleave;
import dev.refinery.run.Runner;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interleave step and its sink against {@link Interleave#order} itself: the rows written are
 * the picks, each the row at that place in its source. Source a has more rows than its position
 * histogram has buckets, and the first-exhausted cut falls between two rows of one bucket, so
 * the plan needs both refinement rounds.
 */
class InterleaveStepTest {
  @TempDir static Path shared;
  static Path a;
  static Path b;
  static final long A_ROWS = 70_000;
  /** (B_ROWS - 1) and B_ROWS fall in one bucket of a's positions: 65536 buckets, 70000 rows. */
  static final long B_ROWS = 33_009;

  @TempDir Path dir;

  @BeforeAll
  static void sources() {
    a = write("a", A_ROWS);
    b = write("b", B_ROWS);
  }

  private static Path write(String name, long rows) {
    Path file = shared.resolve(name + ".parquet");
    SampleWriter w = SampleWriter.create(file, Formats.nemotron());
    for (long i = 0; i < rows; i++) {
      w.write(Sample.builder().uuid(name + "-" + i).messages(List.of(
          Message.of(Message.USER, name + " " + i), Message.of("assistant", "ok"))).build());
    }
    w.close();
    return file;
  }

  private List<String> run(String name, double[] p, Interleave.Stopping stopping, long seed,
      int workers) {
    PipelineSpec.Input input = PipelineSpec.Input.of(List.of(
        new PipelineSpec.Source("a", a, List.of(), "nemotron", null, "a"),
        new PipelineSpec.Source("b", b, List.of(), "nemotron", null, "b")), "t");
    Step step = CommandSteps.interleave(input, p, stopping,
        List.of(Map.of("path", "a"), Map.of("path", "b")));
    Path out = dir.resolve(name);
    Runner.Result r = Runner.local().run(Pipeline.canned(input, List.of(step),
        Sinks.interleaved(out, "jsonl", 2, step, null), seed, "test"),
        new Runner.Options(workers, false, Runner.Progress.NONE));
    assertThat(r.conserved()).isTrue();
    List<String> uuids = new ArrayList<>();
    try (SampleReader reader = SampleReader.open(Inputs.resolve(out.resolve("data").toString()),
        Formats.nemotron(), RejectHandler.FAIL)) {
      reader.forEachRemaining(s -> uuids.add(s.uuid()));
    }
    assertThat(r.written()).isEqualTo(uuids.size());
    return uuids;
  }

  private static List<String> expected(double[] p, Interleave.Stopping stopping, long seed) {
    List<String> out = new ArrayList<>();
    Iterator<Interleave.Pick> it = Interleave.order(List.of("a", "b"),
        new long[] {A_ROWS, B_ROWS}, p, seed, stopping);
    while (it.hasNext()) {
      Interleave.Pick pick = it.next();
      out.add((pick.source() == 0 ? "a-" : "b-") + pick.row());
    }
    return out;
  }

  @Test
  void takingTurnsStopsWhenTheShortestRunsOutAtARowInsideABucket() throws Exception {
    List<String> rows = run("turns", null, Interleave.Stopping.FIRST_EXHAUSTED, 0, 2);
    assertThat(rows).hasSize((int) (2 * B_ROWS))
        .isEqualTo(expected(null, Interleave.Stopping.FIRST_EXHAUSTED, 0));
    assertThat(Files.readString(dir.resolve("turns/run.log"))).contains("(refinement 2)");
    assertThat(Files.readString(dir.resolve("turns/stats.json")))
        .contains("\"not_interleaved\":" + (A_ROWS - B_ROWS));
  }

  @Test
  void drawsWithProbabilitiesUntilEverySourceRanOutTheSameForAnyWorkers() {
    double[] p = {0.6, 0.4};
    List<String> one = run("one", p, Interleave.Stopping.ALL_EXHAUSTED, 7, 1);
    assertThat(one).isEqualTo(expected(p, Interleave.Stopping.ALL_EXHAUSTED, 7));
    assertThat(run("three", p, Interleave.Stopping.ALL_EXHAUSTED, 7, 3)).isEqualTo(one);
  }
}
