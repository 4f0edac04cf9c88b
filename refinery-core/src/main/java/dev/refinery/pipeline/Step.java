package dev.refinery.pipeline;

import java.io.Serializable;

/**
 * One step of a pipeline, in one of three shapes a runner knows how to run anywhere:
 *
 * <ul>
 *   <li>{@link MapStep}: one partition's rows in, rows out (filters, templates, generation);
 *   <li>{@link KeyedStep}: each row emits small keyed records, the runner groups them by key, a
 *       pure reduce over one group returns verdicts on rows by id (exact dedup, consistency), or
 *       links rows whose connected components the runner finds (fuzzy dedup);
 *   <li>{@link PlannedStep}: each partition returns a summary that adds up, a pure function of
 *       the total makes a plan, and every partition is mapped with the plan (a blend's quotas).
 * </ul>
 *
 * <p>Steps are immutable and serializable, keep no global state and decide by row ids and
 * content only, never by the order work happens in; so LocalRunner and a cluster runner give the
 * same bytes.
 */
public sealed interface Step extends Serializable permits MapStep, KeyedStep, PlannedStep {
  /** How the step appears in stats and rejects, e.g. {@code filter:gopher_quality}. */
  String name();
}
