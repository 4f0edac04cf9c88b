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
 * <p>A plan may need one more look at the rows before it is final: a blend knows from the
 * totals in which small range of hashes each quota's boundary falls, but not which rows of that
 * range it takes. Such a plan returns a {@link Round} from {@link Plan#refine}; the runner
 * summarizes every partition again with it and asks the round for the next plan, until a plan
 * needs no refinement. Rounds are pure like the step: the same total gives the same rounds.
 *
 * @param <S> the summary type
 */
public non-sealed interface PlannedStep<S extends PlannedStep.Summary<S>> extends Step {

  /** The summary of no rows, the identity of {@link Summary#plus}. */
  S zero();

  /**
   * One partition's summary; must depend on the rows (and the pipeline's seed, for a step that
   * summarizes seeded hashes of ids) only, not on how they were split.
   */
  S summarize(Iterator<Sample> rows, long seed);

  /** The plan from the summary of every partition and the pipeline's seed; pure. */
  Plan plan(S total, long seed);

  /**
   * A value that adds up: {@code a.plus(b)} is the summary of a's rows and b's. {@code plus} is
   * associative and commutative with {@link #zero} as identity, so the total is the same however
   * the rows were split into partitions and in whatever order the summaries are added.
   */
  interface Summary<S extends Summary<S>> extends Serializable {
    S plus(S other);
  }

  /**
   * What the total decided: the step every partition runs, and what the run reports; or, when
   * {@link #refine} is not null, only how to look at the rows again (then the runner asks
   * nothing else of it).
   */
  interface Plan extends Serializable {
    /** The map step each partition runs with this plan (its drops count as this step's). */
    MapStep step();

    /** Another round over every partition this plan needs before it is final, or null. */
    default Round<?> refine() {
      return null;
    }

    /** Facts about the plan for stats.json. */
    default Map<String, Object> report() {
      return Map.of();
    }

    /** Files the run folder gets beside stats.json (a blend's manifest), as name to text. */
    default Map<String, String> files() {
      return Map.of();
    }
  }

  /**
   * One more pass over every partition, as the step's own summary: a summary per partition that
   * adds up, and the plan from the total.
   *
   * @param <R> the round's summary type
   */
  interface Round<R extends Summary<R>> extends Serializable {
    R zero();

    /** One partition's summary; must depend on the rows only, not on how they were split. */
    R summarize(Iterator<Sample> rows);

    /** The next plan from the total of this round's summaries; pure. */
    Plan plan(R total);
  }
}
