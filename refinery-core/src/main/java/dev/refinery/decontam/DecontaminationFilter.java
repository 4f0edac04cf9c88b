package dev.refinery.decontam;

import dev.refinery.RefineryException;
import dev.refinery.filter.Filter;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Drops samples that contain benchmark text, with the reason {@code contaminated:<benchmark>}.
 *
 * <p>Scores: {@code contaminated} (1 or 0) and, on a match, {@code benchmark} (index into {@link
 * Decontaminator#benchmarks()}) and {@code item} (index into {@link Decontaminator#items()}), so
 * {@link #decide} needs nothing else and a report can name the item; {@link #match(Sample)} gives
 * the whole {@link Match}.
 */
public final class DecontaminationFilter implements Filter<Sample> {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "decontaminate";
  public static final String REASON_PREFIX = "contaminated:";

  /** Which turns are checked. */
  public enum Target {
    /** Every user turn, each on its own (a benchmark question can hide in a later turn). */
    PROMPT,
    /** The final assistant turn, reasoning trace included. */
    ANSWER,
    /** Both of the above. */
    PROMPT_AND_ANSWER;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Target parse(String key, String where) {
      for (Target t : values()) {
        if (t.key().equals(key)) {
          return t;
        }
      }
      throw new RefineryException(where + ": '" + key + "' is not one of prompt, answer, "
          + "prompt_and_answer");
    }
  }

  /** The parameters of the {@code decontaminate} step, as a pipeline spec names them. */
  public static final List<Param> PARAMS = List.of(
      Param.of("benchmarks", Param.Type.STRING_LIST, null,
          "benchmark files, folders or globs (JSONL or JSON)"),
      Param.of("fields", Param.Type.STRING_LIST, List.of(),
          "field(s) holding the benchmark text, dotted paths allowed; empty: pick by file shape"),
      Param.of("ngram", Param.Type.INT, (long) NgramOptions.DEFAULTS.n(),
          "n-gram length in normalized words").between(1, 1000),
      Param.of("min_words", Param.Type.INT, (long) NgramOptions.DEFAULTS.minWords(),
          "benchmark items with fewer words are ignored; shorter than ngram: matched whole").between(1, 1000),
      Param.choice("target", "prompt", "turns checked", "prompt", "answer",
          "prompt_and_answer"));

  private final Decontaminator decontaminator;
  private final Target target;

  public DecontaminationFilter(Decontaminator decontaminator, Target target) {
    this.decontaminator = Objects.requireNonNull(decontaminator, "decontaminator");
    this.target = Objects.requireNonNull(target, "target");
  }

  /** Loads the benchmarks the parameters name and indexes them; {@code where} prefixes errors. */
  public static DecontaminationFilter fromParams(Params params, String where) {
    List<BenchmarkSource> sources = new ArrayList<>();
    for (String path : params.getStrings("benchmarks")) {
      sources.add(new BenchmarkSource(path, null, params.getStrings("fields")));
    }
    NgramOptions options;
    try {
      options = new NgramOptions((int) params.getInt("ngram"), (int) Math.min(
          params.getInt("min_words"), params.getInt("ngram")));
    } catch (IllegalArgumentException e) {
      throw new RefineryException(where + ": " + e.getMessage(), e);
    }
    return new DecontaminationFilter(Benchmarks.index(sources, options),
        Target.parse(params.getString("target"), where + ".target"));
  }

  @Override
  public String name() {
    return NAME;
  }

  public Decontaminator decontaminator() {
    return decontaminator;
  }

  public Target target() {
    return target;
  }

  /** The first match in the targeted turns, in conversation order. */
  public Optional<Match> match(Sample sample) {
    for (String text : targetTexts(sample)) {
      Optional<Match> m = decontaminator.match(text);
      if (m.isPresent()) {
        return m;
      }
    }
    return Optional.empty();
  }

  @Override
  public Scores score(Sample sample) {
    Optional<Match> m = match(sample);
    if (m.isEmpty()) {
      return Scores.of("contaminated", 0);
    }
    return Scores.builder()
        .put("contaminated", 1)
        .put("benchmark", decontaminator.benchmarks().indexOf(m.get().benchmark()))
        .put("item", m.get().itemIndex())
        .build();
  }

  @Override
  public Verdict decide(Scores scores) {
    if (scores.get("contaminated") == 0) {
      return Verdict.KEEP;
    }
    return Verdict.drop(REASON_PREFIX
        + decontaminator.benchmarks().get((int) scores.get("benchmark")));
  }

  private List<String> targetTexts(Sample sample) {
    List<String> texts = new ArrayList<>();
    if (target != Target.ANSWER) {
      for (Message m : sample.messages()) {
        if (m.isUser() && m.content() != null) {
          texts.add(m.content());
        }
      }
    }
    if (target != Target.PROMPT) {
      Message answer = sample.finalAssistant();
      if (answer != null && answer.content() != null) {
        texts.add(answer.content());
      }
    }
    return texts;
  }
}
