package dev.refinery.validate;

import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterType.Input;
import dev.refinery.filter.Param;
import dev.refinery.filter.Param.Type;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Filters specific to synthetic post-training data: a math answer must state a final answer, a
 * code answer must hold code, the model must not name itself, the answer must not open with a
 * refusal or apology, must not just repeat the prompt, and the reasoning trace must not run far
 * past a cap. Each looks at the final assistant turn of a sample.
 */
public final class PostTrainingFilters {
  private PostTrainingFilters() {}

  /** Openings of refusals and apologies, as synthetic data shows them, lower case. */
  static final Pattern REFUSAL = Pattern.compile("^(?:i'm sorry|i am sorry|sorry,|i apologi[sz]e|"
      + "i cannot|i can't|i can not|i won't|i will not|i'm unable|i am unable|i'm not able|"
      + "i am not able|as an ai(?: language model)?,? i (?:cannot|can't|don't|do not)|"
      + "unfortunately,? i (?:cannot|can't))");

  public static List<FilterType> types() {
    return List.of(
        new FilterType("math_answer", "math rows must put a final answer in \\boxed{}",
            Input.SAMPLE, List.of(Param.of("categories", Type.STRING_LIST, List.of("math"),
                "categories the check applies to")),
            p -> new Check("math_answer", "no_boxed_answer", p.getStrings("categories"),
                s -> answer(s).contains("\\boxed{") ? 0 : 1)),
        new FilterType("code_block", "code rows must hold a fenced code block (``` ... ```)",
            Input.SAMPLE, List.of(Param.of("categories", Type.STRING_LIST, List.of("code"),
                "categories the check applies to")),
            p -> new Check("code_block", "no_code_block", p.getStrings("categories"),
                s -> hasFencedBlock(answer(s)) ? 0 : 1)),
        new FilterType("identity_leak", "the answer names the generating model or its maker as "
            + "itself (\"I am Qwen\", \"我是通义千问\")", Input.SAMPLE, List.of(),
            p -> new Check("identity_leak", "identity_leak", List.of(),
                s -> SelfIdentification.matches(answer(s)) ? 1 : 0)),
        new FilterType("refusal", "the answer opens with a refusal or an apology",
            Input.SAMPLE, List.of(),
            p -> new Check("refusal", "refusal", List.of(),
                s -> REFUSAL.matcher(answer(s).toLowerCase(Locale.ROOT)).find() ? 1 : 0)),
        new FilterType("prompt_repeated", "the answer repeats the prompt verbatim (whitespace "
            + "and case aside)", Input.SAMPLE, List.of(
                Param.of("min_chars", Type.INT, 20L,
                    "prompts shorter than this are not checked").atLeast(0)),
            p -> {
              long min = p.getInt("min_chars");
              return new Check("prompt_repeated", "prompt_repeated", List.of(),
                  s -> repeatsPrompt(s, min) ? 1 : 0);
            }),
        new FilterType("reasoning_length", "the reasoning trace runs past a cap (code points)",
            Input.SAMPLE, List.of(Param.of("max_chars", Type.INT, 32_000L,
                "longest trace kept").atLeast(0),
                Param.of("max_ratio", Type.DOUBLE, 0.0,
                    "longest trace as a multiple of the answer (0: no ratio limit)").atLeast(0)),
            p -> new ReasoningLength(p.getInt("max_chars"), p.getDouble("max_ratio"))));
  }

  static String answer(Sample s) {
    Message last = s.finalAssistant();
    return last == null || last.content() == null ? "" : ThinkBlock.parse(last.content()).answer();
  }

  static boolean hasFencedBlock(String text) {
    int open = text.indexOf("```");
    return open >= 0 && text.indexOf("```", open + 3) >= 0;
  }

  static boolean repeatsPrompt(Sample s, long minChars) {
    String prompt = s.firstUserPrompt();
    if (prompt == null || prompt.strip().length() < minChars) {
      return false;
    }
    return squash(answer(s)).contains(squash(prompt));
  }

  private static String squash(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
  }

  /** 1 when a sample breaks a check; serializable, so filters ship to Spark executors. */
  @FunctionalInterface
  private interface Broken extends java.io.Serializable {
    int of(Sample s);
  }

  /** A 0/1 check over samples of some categories (all when the list is empty). */
  private record Check(String name, String reason, List<String> categories, Broken broken)
      implements Filter<Sample> {
    @Override
    public Scores score(Sample s) {
      boolean applies = categories.isEmpty() || (s.category() != null
          && categories.contains(s.category().toLowerCase(Locale.ROOT)));
      return Scores.of(reason, applies ? broken.of(s) : 0);
    }

    @Override
    public Verdict decide(Scores scores) {
      return scores.get(reason) > 0 ? Verdict.drop(reason) : Verdict.KEEP;
    }
  }

  private record ReasoningLength(long maxChars, double maxRatio) implements Filter<Sample> {
    @Override
    public String name() {
      return "reasoning_length";
    }

    @Override
    public Scores score(Sample s) {
      Message last = s.finalAssistant();
      ThinkBlock b = last == null ? null : ThinkBlock.parse(last.content());
      long trace = b == null || !b.hasTrace() ? 0 : b.trace().codePointCount(0, b.trace().length());
      long answer = b == null ? 0 : b.answer().codePointCount(0, b.answer().length());
      return Scores.builder().put("trace_chars", trace)
          .put("trace_to_answer", answer == 0 ? trace : (double) trace / answer).build();
    }

    @Override
    public Verdict decide(Scores scores) {
      if (maxChars > 0 && scores.get("trace_chars") > maxChars) {
        return Verdict.drop("reasoning_too_long");
      }
      if (maxRatio > 0 && scores.get("trace_to_answer") > maxRatio) {
        return Verdict.drop("reasoning_too_long_for_answer");
      }
      return Verdict.KEEP;
    }
  }
}
