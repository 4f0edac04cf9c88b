package dev.refinery.run;

import dev.refinery.dataset.SampleReader;
import dev.refinery.pipeline.MapStep;
import dev.refinery.pipeline.PlannedStep;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LocalRunner's phases for a {@link PlannedStep}: every partition of the previous stage is
 * summarized in parallel, each summary kept in a file of the work folder so a resumed run skips
 * the partitions already summarized; the summaries are added up in partition order (the sum does
 * not depend on it, {@code plus} being associative and commutative), the step plans from the
 * total, and a plan that asks for a {@linkplain PlannedStep.Plan#refine refinement} gets another
 * such round, until one is final. Every partition then runs the final plan's step.
 */
public final class PlannedStage {
  private PlannedStage() {}

  public static StageDecision decide(PlannedStep<?> step, StageInput input) {
    return decideTyped(step, input);
  }

  private static <S extends PlannedStep.Summary<S>> StageDecision decideTyped(
      PlannedStep<S> step, StageInput input) {
    long started = System.nanoTime();
    S total = sum(input, 0, step.name(), step.zero(),
        rows -> step.summarize(rows, input.seed()));
    double summarize = seconds(started);
    long planning = System.nanoTime();
    PlannedStep.Plan plan = step.plan(total, input.seed());
    double planned = seconds(planning);
    double refine = 0;
    int rounds = 0;
    while (plan.refine() != null) {
      rounds++;
      long round = System.nanoTime();
      plan = refined(plan.refine(), input, rounds, step.name());
      refine += seconds(round);
      input.stops().checkpoint();
    }
    PlannedStep.Plan last = plan;
    Map<String, Object> seconds = new LinkedHashMap<>();
    seconds.put("summarize", round3(summarize));
    if (rounds > 0) {
      seconds.put("refine", round3(refine));
    }
    seconds.put("plan", round3(planned));
    Map<String, Object> report = new LinkedHashMap<>(last.report());
    if (rounds > 0) {
      report.put("refinements", rounds);
    }
    report.put("seconds", seconds);
    MapStep apply = last.step();
    Map<String, String> files = last.files();
    return new StageDecision() {
      @Override
      public Part open(int partition) {
        return new Part(apply, () -> { });
      }

      @Override
      public Map<String, Object> report() {
        return report;
      }

      @Override
      public Map<String, String> files() {
        return files;
      }
    };
  }

  /** One refinement round: its summaries added up, and the plan it makes of them. */
  private static <R extends PlannedStep.Summary<R>> PlannedStep.Plan refined(
      PlannedStep.Round<R> round, StageInput input, int number, String name) {
    R total = sum(input, number, name, round.zero(), round::summarize);
    return round.plan(total);
  }

  /** How a partition's rows become a summary. */
  private interface Summarizer<S> {
    S summarize(java.util.Iterator<dev.refinery.sample.Sample> rows);
  }

  /**
   * The total of every partition's summary in round {@code round}, each partition summarized in
   * parallel unless a resumed run finds its summary already written.
   */
  private static <S extends PlannedStep.Summary<S>> S sum(StageInput input, int round,
      String name, S zero, Summarizer<S> summarizer) {
    RunFolder folder = input.folder();
    // Added up as they arrive, in partition order: only the total and the summaries of running
    // tasks are held, however many partitions there are.
    List<S> total = new ArrayList<>(List.of(zero));
    InOrder.run(InOrder.indexes(input.partitions()), input.workers(),
        input.stops().tracked((i, p) -> {
          Path done = folder.summary(input.stage(), round, p);
          try {
            if (input.resume() && Files.exists(done)) {
              @SuppressWarnings("unchecked")
              S kept = (S) RunFolder.readSummary(done);
              return kept;
            }
            Files.createDirectories(done.getParent());
            S summary;
            try (SampleReader reader = input.read().apply(p)) {
              summary = summarizer.summarize(input.stops().checked(reader));
            }
            input.stops().checkpoint();
            RunFolder.writeSummary(done, (Serializable) summary);
            return summary;
          } catch (IOException e) {
            throw new UncheckedIOException(done + ": " + e.getMessage(), e);
          }
        }), summary -> total.set(0, total.get(0).plus(summary)));
    input.note().accept("stage " + input.stage() + ": " + name + " summarized "
        + input.partitions() + " partitions" + (round == 0 ? "" : " (refinement " + round + ")"));
    return total.get(0);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static double round3(double seconds) {
    return Math.round(seconds * 1e3) / 1e3;
  }
}
