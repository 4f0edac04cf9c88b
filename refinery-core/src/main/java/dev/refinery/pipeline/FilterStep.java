package dev.refinery.pipeline;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import dev.refinery.filter.heuristic.TextFormatter;
import dev.refinery.internal.Json;
import dev.refinery.sample.Sample;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a {@link Filter} over samples: text filters on the {@link Target} text (a sample without
 * that text is kept: there is nothing to judge), sample filters on the whole sample. With {@code
 * scoreOnly} nothing is dropped and the scores go into the sample's metadata under {@code
 * refinery_scores.<filter>}, for tuning thresholds later.
 */
final class FilterStep implements MapStep {
  static final String SCORES_KEY = "refinery_scores";

  private final Filter<?> filter;
  private final Target target;
  private final boolean textFilter;
  private final boolean scoreOnly;

  FilterStep(Filter<?> filter, boolean textFilter, Target target, boolean scoreOnly) {
    this.filter = filter;
    this.textFilter = textFilter;
    this.target = target;
    this.scoreOnly = scoreOnly;
  }

  @Override
  public String name() {
    return "filter:" + filter.name() + (textFilter ? "@" + target.key() : "");
  }

  /** A text the filter rewrites (C4's line removal) might be rewritten again; scores are not. */
  @Override
  public boolean idempotent() {
    return scoreOnly || !(filter instanceof TextFormatter);
  }

  @SuppressWarnings("unchecked")
  private Scores score(Sample s) {
    if (textFilter) {
      String text = target.text(s);
      return text == null ? null : ((Filter<String>) filter).score(text);
    }
    return ((Filter<Sample>) filter).score(s);
  }

  @Override
  public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
    return new Admitting(samples, s -> {
      Scores scores = score(s);
      if (scores == null) {
        return s;
      }
      if (scoreOnly) {
        return withScores(s, scores);
      }
      Verdict v = filter.decide(scores);
      if (v.note() != null) {
        context.count(v.note());
      }
      if (v.kept()) {
        return filter instanceof TextFormatter formatter ? rewrite(s, formatter) : s;
      }
      context.drop(s, v.dropReason());
      return null;
    });
  }

  /** A kept text that the filter also rewrites (C4's line removal) is put back rewritten. */
  private Sample rewrite(Sample s, TextFormatter formatter) {
    String text = target.text(s);
    return text == null ? s : target.replace(s, text, formatter.transform(text));
  }

  private Sample withScores(Sample s, Scores scores) {
    String key = textFilter ? filter.name() + "@" + target.key() : filter.name();
    return withScores(s, key, scores.values());
  }

  /**
   * Adds {@code scores} under {@code refinery_scores.<key>} of the metadata (a JSON object);
   * invalid metadata keeps them in an extra field. Shared with other steps that score rows.
   */
  @SuppressWarnings("unchecked")
  static Sample withScores(Sample s, String key, Object scores) {
    Object parsed = s.metadata() == null || s.metadata().isBlank() ? new LinkedHashMap<>()
        : Json.parseOrNull(s.metadata());
    if (parsed instanceof Map<?, ?> meta) {
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) meta);
      Map<String, Object> all = copy.get(SCORES_KEY) instanceof Map<?, ?> m
          ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
      all.put(key, scores);
      copy.put(SCORES_KEY, all);
      return s.toBuilder().metadata(Json.write(copy)).build();
    }
    Map<String, Object> extra = new LinkedHashMap<>(s.extra());
    Map<String, Object> all = extra.get(SCORES_KEY) instanceof Map<?, ?> m
        ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
    all.put(key, scores);
    extra.put(SCORES_KEY, all);
    return s.toBuilder().extra(extra).build();
  }
}
