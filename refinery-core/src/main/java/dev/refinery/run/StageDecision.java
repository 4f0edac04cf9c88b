package dev.refinery.run;

import dev.refinery.pipeline.MapStep;
import java.util.Map;

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

  /** One partition's step and what to close after it. */
  record Part(MapStep step, AutoCloseable resources) implements AutoCloseable {
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
