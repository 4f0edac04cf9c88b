package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;

/**
 * A step that needs a few totals of the whole input before it can map any partition: each
 * partition returns a {@link Summary} that adds up with {@link Summary#plus}, a pure function of
 * the total makes a {@link Plan}, and every partition is then mapped by the plan's step. A blend:
 * the summary counts rows per source, the plan holds each source's quota, the step keeps or
 * repeats rows by seeded hashes of their ids.
 *
 * @param <S> the summary type
 */
public non-sealed interface PlannedStep<S extends PlannedStep.Summary<S>> extends Step {

  /** The summary of no rows, the identity of {@link Summary#plus}. */
  S zero();

  /** One partition's summary; must depend on the rows only, not on how they were split. */
  S summarize(Iterator<Sample> rows);

  /** The plan from the summary of every partition and the pipeline's seed; pure. */
  Plan plan(S total, long seed);

  /** A value that adds up: {@code a.plus(b)} is the summary of a's rows and b's. */
  interface Summary<S extends Summary<S>> extends Serializable {
    S plus(S other);
  }

  /** What the total decided: the step every partition runs, and what the run reports. */
  interface Plan extends Serializable {
    /** The map step each partition runs with this plan (its drops count as this step's). */
    MapStep step();

    /** Facts about the plan for stats.json. */
    default Map<String, Object> report() {
      return Map.of();
    }

    /** Files the run folder gets beside stats.json (a blend's manifest), as name to text. */
    default Map<String, String> files() {
      return Map.of();
    }
  }
}
