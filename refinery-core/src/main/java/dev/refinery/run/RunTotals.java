package dev.refinery.run;

import dev.refinery.pipeline.StepStats;
import dev.refinery.run.Runner.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A run's result from its stages' partition stats and what the sink wrote, left out or rejected. */
final class RunTotals {
  private RunTotals() {}

  /** The name under which stats.json counts the rows a sink dropped. */
  static final String OUTPUT = "output";

  /**
   * Totals of the stages; rows the sink could not write ({@code unwritable}) count as rejected,
   * not written, and rows it left out by its own policy ({@code sinkDrops}, by reason) as dropped,
   * under a last entry named {@value #OUTPUT} in the steps.
   */
  static Result of(List<List<PartitionStats>> stages, List<Path> shards, long unwritable,
      Map<String, Long> sinkDrops, Path run) {
    long read = 0;
    long rejected = 0;
    for (PartitionStats p : stages.get(0)) {
      read += p.read();
      rejected += p.rejected();
    }
    long written = stages.get(stages.size() - 1).stream().mapToLong(PartitionStats::written).sum()
        - unwritable;
    rejected += unwritable;
    List<StepStats> steps = new ArrayList<>();
    long dropped = 0;
    long repeated = 0;
    for (List<PartitionStats> stage : stages) {
      List<StepStats> merged = null;
      for (PartitionStats p : stage) {
        if (merged == null) {
          merged = new ArrayList<>(p.steps());
        } else {
          for (int i = 0; i < merged.size(); i++) {
            merged.set(i, merged.get(i).plus(p.steps().get(i)));
          }
        }
      }
      if (merged != null) {
        steps.addAll(merged);
        dropped += merged.stream().mapToLong(StepStats::droppedTotal).sum();
        repeated += merged.stream().mapToLong(StepStats::repeated).sum();
      }
    }
    if (!sinkDrops.isEmpty()) {
      long left = sinkDrops.values().stream().mapToLong(Long::longValue).sum();
      long reached = written + unwritable;
      steps.add(new StepStats(OUTPUT, reached, reached - left, sinkDrops, 0, Map.of(), 0));
      written -= left;
      dropped += left;
    }
    return new Result(read, written, dropped, rejected, repeated, steps, run, shards);
  }
}
