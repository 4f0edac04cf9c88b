package dev.refinery.filter.heuristic;

import dev.refinery.RefineryException;
import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * datatrove's {@code RegexFilter}: drops a text in which the expression matches anywhere. The
 * expression is a Java regex (Python's common syntax, inline flags like {@code (?i)} included,
 * works unchanged). datatrove gives no reason; the drop reason here is {@code regex}.
 */
final class RegexFilter implements Filter<String> {
  private static final long serialVersionUID = 1L;

  private final Pattern pattern;

  RegexFilter(String expression, String where) {
    try {
      this.pattern = Pattern.compile(expression);
    } catch (PatternSyntaxException e) {
      throw new RefineryException(where + ".regex_exp: not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex());
    }
  }

  @Override
  public String name() {
    return "regex";
  }

  @Override
  public Scores score(String text) {
    return Scores.of("regex_match", pattern.matcher(text).find() ? 1 : 0);
  }

  @Override
  public Verdict decide(Scores scores) {
    return scores.get("regex_match") > 0 ? Verdict.drop("regex") : Verdict.KEEP;
  }
}
