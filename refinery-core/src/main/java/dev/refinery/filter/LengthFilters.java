package dev.refinery.filter;

import dev.refinery.filter.FilterType.Input;
import dev.refinery.filter.Param.Type;
import dev.refinery.sample.Sample;
import java.util.List;

/**
 * Length limits: characters (code points) and words of a text, turns of a conversation. A limit
 * of 0 (the default) is off, so each filter checks only what it is given.
 */
public final class LengthFilters {
  private LengthFilters() {}

  public static List<FilterType> types() {
    return List.of(
        new FilterType("length", "characters (code points) and words of the target text "
            + "within limits", Input.TEXT, List.of(
            Param.of("min_chars", Type.INT, 0L, "fewest characters (0: no limit)").atLeast(0),
            Param.of("max_chars", Type.INT, 0L, "most characters (0: no limit)").atLeast(0),
            Param.of("min_words", Type.INT, 0L, "fewest whitespace-separated words (0: no limit)").atLeast(0),
            Param.of("max_words", Type.INT, 0L, "most words (0: no limit)").atLeast(0)),
            p -> new TextLength(p.getInt("min_chars"), p.getInt("max_chars"),
                p.getInt("min_words"), p.getInt("max_words"))),
        new FilterType("turns", "number of messages within limits", Input.SAMPLE, List.of(
            Param.of("min_turns", Type.INT, 0L, "fewest messages (0: no limit)").atLeast(0),
            Param.of("max_turns", Type.INT, 0L, "most messages (0: no limit)").atLeast(0)),
            p -> new Turns(p.getInt("min_turns"), p.getInt("max_turns"))));
  }

  record TextLength(long minChars, long maxChars, long minWords, long maxWords)
      implements Filter<String> {
    @Override
    public String name() {
      return "length";
    }

    @Override
    public Scores score(String text) {
      long words = 0;
      boolean inWord = false;
      for (int i = 0; i < text.length(); i++) {
        boolean space = Character.isWhitespace(text.charAt(i));
        if (!space && !inWord) {
          words++;
        }
        inWord = !space;
      }
      return Scores.builder().put("chars", text.codePointCount(0, text.length()))
          .put("words", words).build();
    }

    @Override
    public Verdict decide(Scores s) {
      double chars = s.get("chars");
      double words = s.get("words");
      if (minChars > 0 && chars < minChars) {
        return Verdict.drop("too_few_chars");
      }
      if (maxChars > 0 && chars > maxChars) {
        return Verdict.drop("too_many_chars");
      }
      if (minWords > 0 && words < minWords) {
        return Verdict.drop("too_few_words");
      }
      if (maxWords > 0 && words > maxWords) {
        return Verdict.drop("too_many_words");
      }
      return Verdict.KEEP;
    }
  }

  record Turns(long min, long max) implements Filter<Sample> {
    @Override
    public String name() {
      return "turns";
    }

    @Override
    public Scores score(Sample s) {
      return Scores.of("turns", s.messages().size());
    }

    @Override
    public Verdict decide(Scores s) {
      double turns = s.get("turns");
      if (min > 0 && turns < min) {
        return Verdict.drop("too_few_turns");
      }
      if (max > 0 && turns > max) {
        return Verdict.drop("too_many_turns");
      }
      return Verdict.KEEP;
    }
  }
}
