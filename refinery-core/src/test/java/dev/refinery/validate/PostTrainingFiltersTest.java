package dev.refinery.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.Verdict;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostTrainingFiltersTest {

  @SuppressWarnings("unchecked")
  private static Filter<Sample> filter(String name) {
    for (FilterType t : PostTrainingFilters.types()) {
      if (t.name().equals(name)) {
        return (Filter<Sample>) t.createWithDefaults();
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static Sample row(String category, String prompt, String answer) {
    return Sample.builder().category(category).reasoning("on")
        .messages(List.of(Message.of("user", prompt), Message.of("assistant", answer))).build();
  }

  @Test
  void mathAndCodeAnswersMustHoldTheirFinalFormOnlyInTheirCategories() {
    Filter<Sample> math = filter("math_answer");
    assertThat(math.apply(row("math", "1+1?", "<think>add</think>It is \\boxed{2}.")).kept())
        .isTrue();
    assertThat(math.apply(row("math", "1+1?", "<think>\\boxed{2}</think>It is 2.")))
        .as("a \\boxed{} inside the trace does not count").isEqualTo(Verdict.drop("no_boxed_answer"));
    assertThat(math.apply(row("chat", "hi", "hello")).kept()).isTrue();
    Filter<Sample> code = filter("code_block");
    assertThat(code.apply(row("code", "sort", "Use:\n```python\nsorted(x)\n```")).kept()).isTrue();
    assertThat(code.apply(row("code", "sort", "Use:\n```python\nsorted(x)")))
        .isEqualTo(Verdict.drop("no_code_block"));
  }

  @Test
  void refusalsIdentityLeaksAndEchoesAreDropped() {
    assertThat(filter("refusal").apply(row("chat", "help", "I'm sorry, but I can't help.")))
        .isEqualTo(Verdict.drop("refusal"));
    assertThat(filter("refusal").apply(row("chat", "help", "Sure! Here is how.")).kept()).isTrue();
    assertThat(filter("identity_leak").apply(row("chat", "who?", "I am Qwen, created by "
        + "Alibaba Cloud."))).isEqualTo(Verdict.drop("identity_leak"));
    String prompt = "Explain why the sky is blue in two sentences.";
    assertThat(filter("prompt_repeated").apply(row("chat", prompt, "Sure. EXPLAIN why the sky "
        + "is  blue in two sentences. Because...")))
        .isEqualTo(Verdict.drop("prompt_repeated"));
    assertThat(filter("prompt_repeated").apply(row("chat", prompt, "Rayleigh scattering."))
        .kept()).isTrue();
  }

  @Test
  void reasoningLongerThanTheCapIsDropped() {
    Filter<Sample> f = filter("reasoning_length");
    String longTrace = "<think>" + "x".repeat(40_000) + "</think>ok";
    assertThat(f.apply(row("math", "q", longTrace))).isEqualTo(Verdict.drop("reasoning_too_long"));
    assertThat(f.score(row("math", "q", "<think>abcd</think>ab")).get("trace_to_answer"))
        .isEqualTo(2.0);
    assertThat(f.apply(row("math", "q", "<think>short</think>fine")).kept()).isTrue();
  }
}
