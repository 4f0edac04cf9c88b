package dev.refinery.run;

import dev.refinery.pipeline.MapStep;
import dev.refinery.pipeline.StepStats;
import dev.refinery.sample.RowId;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A keyed or planned step after its whole-input phase: the map step each partition of
 * its stage runs first (applying verdicts, or a plan), and what the run reports of it.
 */
public interface StageDecision {
  /** The step for one partition, with what it holds open until the partition is done. */
  Part open(int partition);

  /** Facts for stats.json, including each phase's seconds. */
  Map<String, Object> report();

  /** Files the run folder gets beside stats.json, as name to text. */
  default Map<String, String> files() {
    return Map.of();
  }

  /**
   * The step's stats on partition {@code partition} of {@code rows} rows when known without
   * reading them (a keyed step's verdicts counted by partition), else null.
   */
  default StepStats counted(int partition, long rows) {
    return null;
  }

  /**
   * One partition's step, what to close after it, and the rows it drops whatever their content,
   * told by id alone ({@code leftOut}: a reader may pass over them undecoded; asked in increasing
   * id order, before the step sees the rows it did not leave out).
   */
  record Part(MapStep step, AutoCloseable resources, Predicate<RowId> leftOut)
      implements AutoCloseable {
    Part(MapStep step, AutoCloseable resources) {
      this(step, resources, id -> false);
    }

    @Override
    public void close() {
      try {
        resources.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
