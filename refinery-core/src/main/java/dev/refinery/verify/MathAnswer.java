package dev.refinery.verify;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Normal form of a final answer, so that spelling differences that graders ignore disappear before
 * the first (exact string) comparison. In the spirit of {@code strip_string} of the Hendrycks MATH
 * grader and its Qwen2.5-Math / NeMo-Skills descendants, written afresh:
 *
 * <ul>
 *   <li>LaTeX spacing ({@code \, \! \; \: \ ~}), {@code \left}/{@code \right},
 *       {@code \displaystyle}, dollar signs and whitespace go; {@code \dfrac}/{@code \tfrac} become
 *       {@code \frac}; {@code \frac12} becomes {@code \frac{1}{2}} and {@code \sqrt2}
 *       {@code \sqrt{2}}.
 *   <li>Degrees ({@code ^\circ}, {@code ^{\circ}}, {@code °}, a trailing "degrees") go.
 *   <li>A trailing unit in {@code \text{}}/{@code \mbox{}}/{@code \mathrm{}} after a value goes
 *       ({@code 5 \text{ cm}} is {@code 5}); any other such wrapper is unwrapped
 *       ({@code \text{Evelyn}} is {@code Evelyn}). Bare words after a number ({@code 1320 km}) are
 *       kept: only marked-up units are known to be units.
 *   <li>Percent signs go but are remembered ({@link Normal#percent}): the grader then also accepts
 *       the value divided by 100, never otherwise (so 50 and 0.5 differ unless one side wrote %).
 *   <li>Thousands separators in a lone number go ({@code 1,000} is {@code 1000}); {@code .5} is
 *       {@code 0.5}; a trailing period goes.
 *   <li>A leading {@code x =} / {@code \theta =} / {@code x \in} (one variable name) goes.
 *   <li>A lone mixed number {@code 1\frac{4}{5}} becomes {@code (1+\frac{4}{5})}.
 *   <li>{@code 2 \text{ or } 3} and {@code \text{ and }} become a comma (a list); Unicode minus,
 *       ×, ·, π and ∞ become their LaTeX.
 *   <li>A one-character subscript loses its braces ({@code 4210_{5}} is {@code 4210_5}).
 *   <li>A lone choice letter in parentheses {@code (B)} becomes {@code B}.
 * </ul>
 */
public final class MathAnswer {

  /** A normalized answer and whether the original carried a percent sign. */
  record Normal(String text, boolean percent) {}

  private static final Pattern SPACING = Pattern.compile("(?<!\\\\)\\\\(?:[,!;:]|\\s)|~");
  private static final Pattern LEFT_RIGHT = Pattern.compile("\\\\(?:left|right)(?![a-zA-Z])");
  private static final Pattern DEGREES = Pattern.compile(
      "\\^\\s*\\{?\\s*\\\\circ\\s*\\}?|°|\\\\degree(?![a-zA-Z])|\\s*\\bdegrees?\\s*$");
  private static final Pattern TRAILING_UNIT = Pattern.compile(
      "^(.+?)\\s*\\\\(?:text|mbox|mathrm|textrm|textbf)\\s*\\{\\s*[a-zA-Z][a-zA-Z .]*\\}"
          + "(?:\\^\\s*\\{?\\d\\}?)?\\s*$");
  private static final Pattern VALUE_END = Pattern.compile("[\\w})\\]]\\s*$");
  private static final Pattern WORD_SEPARATOR = Pattern.compile(
      "\\s*\\\\(?:text|mbox|mathrm)\\s*\\{\\s*(?:or|and)\\s*\\}\\s*");
  private static final Pattern TEXT_WRAPPER = Pattern.compile(
      "\\\\(?:text|mbox|mathrm|textrm|textbf|mathbf|operatorname)\\s*\\{([^{}]*)\\}");
  private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?$");
  private static final Pattern LEADING_DOT = Pattern.compile("(?<![\\d}\\w])\\.(\\d)");
  private static final Pattern LEADING_VARIABLE = Pattern.compile(
      "^(?:[a-zA-Z](?:_\\{?\\w+\\}?)?|\\\\[a-zA-Z]+)\\s*(?:=|\\\\in(?![a-zA-Z]))(?!=)(.*)$",
      Pattern.DOTALL);
  private static final Pattern FRAC_DIGITS = Pattern.compile("\\\\frac(\\d)(\\d)");
  private static final Pattern FRAC_BRACE_DIGIT = Pattern.compile("\\\\frac(\\{[^{}]*\\})(\\d)");
  private static final Pattern FRAC_DIGIT_BRACE = Pattern.compile("\\\\frac(\\d)(\\{)");
  private static final Pattern SUBSCRIPT_BRACE = Pattern.compile("_\\{(\\w)\\}");
  private static final Pattern SQRT_TOKEN = Pattern.compile("\\\\sqrt(\\w)");
  private static final Pattern MIXED_NUMBER = Pattern.compile(
      "^(-?)(\\d+)\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}$");
  private static final Pattern CHOICE = Pattern.compile("^\\(([A-Z])\\)$");
  private static final Pattern COMMAND_SPACE = Pattern.compile("(\\\\[a-zA-Z]+)\\s+(?=[a-zA-Z])");

  private MathAnswer() {}

  /** The normal form of {@code answer} (empty for null). */
  public static String normalize(String answer) {
    return normal(answer).text();
  }

  static Normal normal(String answer) {
    if (answer == null) {
      return new Normal("", false);
    }
    String s = answer.strip().replace('\n', ' ').replace('\r', ' ');
    s = s.replace("\\$", "").replace("$", "");
    // Unicode that models emit in place of LaTeX.
    s = s.replace('\u2212', '-').replace("\u00d7", "\\times ").replace("\u00b7", "\\cdot ")
        .replace("\u03c0", "\\pi ").replace("\u221e", "\\infty ");
    s = WORD_SEPARATOR.matcher(s).replaceAll(",");
    s = SPACING.matcher(s).replaceAll(" ");
    s = LEFT_RIGHT.matcher(s).replaceAll("");
    s = s.replace("\\displaystyle", "").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac");
    s = DEGREES.matcher(s).replaceAll("");
    boolean percent = s.contains("%");
    s = s.replace("\\%", "").replace("%", "");
    s = stripTrailingPeriods(s);
    Matcher unit = TRAILING_UNIT.matcher(s);
    // Only after a value: in "x = \text{Evelyn}" the text is the answer, not a unit.
    if (unit.matches() && VALUE_END.matcher(unit.group(1)).find()) {
      s = unit.group(1);
    }
    String unwrapped;
    while (!(unwrapped = TEXT_WRAPPER.matcher(s).replaceAll(m ->
        Matcher.quoteReplacement(m.group(1)))).equals(s)) {
      s = unwrapped;
    }
    s = stripTrailingPeriods(s);
    Matcher variable = LEADING_VARIABLE.matcher(s);
    if (variable.matches() && !variable.group(1).contains("=")) {
      s = variable.group(1).strip();
    }
    // Keep one space where a command name meets a letter (\sin x), drop all other whitespace.
    s = COMMAND_SPACE.matcher(s).replaceAll("$1 ");
    s = removeWhitespaceExceptAfterCommands(s);
    s = FRAC_DIGITS.matcher(s).replaceAll("\\\\frac{$1}{$2}");
    s = FRAC_BRACE_DIGIT.matcher(s).replaceAll(m -> Matcher.quoteReplacement(
        "\\frac" + m.group(1) + "{" + m.group(2) + "}"));
    s = FRAC_DIGIT_BRACE.matcher(s).replaceAll("\\\\frac{$1}$2");
    s = SQRT_TOKEN.matcher(s).replaceAll("\\\\sqrt{$1}");
    s = SUBSCRIPT_BRACE.matcher(s).replaceAll("_$1");
    if (THOUSANDS.matcher(s).matches()) {
      s = s.replace(",", "");
    }
    s = LEADING_DOT.matcher(s).replaceAll("0.$1");
    Matcher mixed = MIXED_NUMBER.matcher(s);
    if (mixed.matches()) {
      s = mixed.group(1) + "(" + mixed.group(2) + "+\\frac{" + mixed.group(3) + "}{"
          + mixed.group(4) + "})";
    }
    Matcher choice = CHOICE.matcher(s);
    if (choice.matches()) {
      s = choice.group(1);
    }
    return new Normal(s, percent);
  }

  private static String stripTrailingPeriods(String s) {
    s = s.strip();
    while (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  private static String removeWhitespaceExceptAfterCommands(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        boolean afterCommand = endsWithCommand(out);
        boolean beforeLetter = i + 1 < s.length() && Character.isLetter(s.charAt(i + 1));
        if (afterCommand && beforeLetter) {
          out.append(' ');
        }
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean endsWithCommand(StringBuilder out) {
    int i = out.length() - 1;
    while (i >= 0 && Character.isLetter(out.charAt(i))) {
      i--;
    }
    return i >= 0 && i < out.length() - 1 && out.charAt(i) == '\\';
  }
}
