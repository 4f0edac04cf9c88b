package dev.refinery.template.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReasoningToggleTest {
  private static Sample sample(String reasoning, Message... messages) {
    return Sample.builder().uuid("u").category("math").reasoning(reasoning)
        .messages(List.of(messages)).build();
  }

  private static String system(Sample s) {
    assertThat(s.messages().get(0).role()).isEqualTo("system");
    return s.messages().get(0).content();
  }

  @Test
  void aSampleWithoutSystemPromptGetsOneHoldingTheToggle() {
    Sample on = sample("on", Message.of("user", "q"), Message.of("assistant", "a"));
    Sample off = sample("off", Message.of("user", "q"), Message.of("assistant", "a"));
    assertThat(system(ReasoningToggle.DETAILED_THINKING.apply(on, k -> { })))
        .isEqualTo("detailed thinking on");
    assertThat(system(ReasoningToggle.DETAILED_THINKING.apply(off, k -> { })))
        .isEqualTo("detailed thinking off");
    assertThat(system(ReasoningToggle.THINK.apply(on, k -> { }))).isEqualTo("/think");
    assertThat(system(ReasoningToggle.THINK.apply(off, k -> { }))).isEqualTo("/no_think");
    assertThat(ReasoningToggle.THINK.apply(on, k -> { }).messages()).hasSize(3);
  }

  @Test
  void anExistingSystemPromptKeepsItsTextAndGetsTheToggleOnANewLine() {
    Sample s = sample("off", Message.of("system", "You are a helpful and friendly AI assistant."),
        Message.of("user", "q"));
    assertThat(system(ReasoningToggle.THINK.apply(s, k -> { })))
        .isEqualTo("You are a helpful and friendly AI assistant.\n/no_think");
    Sample empty = sample("on", Message.of("system", ""), Message.of("user", "q"));
    assertThat(ReasoningToggle.DETAILED_THINKING.apply(empty, k -> { }).messages())
        .containsExactly(Message.of("system", "detailed thinking on"), Message.of("user", "q"));
  }

  @Test
  void neverDuplicatesAndReplacesAWrongToggle() {
    List<String> tally = new ArrayList<>();
    Sample right = sample("on", Message.of("system", "Be brief. /think"), Message.of("user", "q"));
    assertThat(ReasoningToggle.THINK.apply(right, tally::add)).isSameAs(right);
    Sample wrong = sample("off", Message.of("system", "Be brief. /think"),
        Message.of("user", "q"));
    assertThat(system(ReasoningToggle.THINK.apply(wrong, tally::add)))
        .isEqualTo("Be brief.\n/no_think");
    Sample llama = sample("off", Message.of("system", "detailed thinking on"),
        Message.of("user", "q"));
    assertThat(system(ReasoningToggle.DETAILED_THINKING.apply(llama, tally::add)))
        .isEqualTo("detailed thinking off");
    // "/thinking" is not a toggle: the word must stand alone.
    Sample word = sample("on", Message.of("system", "Use /thinking mode"), Message.of("user", "q"));
    assertThat(system(ReasoningToggle.THINK.apply(word, tally::add)))
        .isEqualTo("Use /thinking mode\n/think");
    assertThat(tally).containsExactly("toggle_present", "toggle_replaced", "toggle_replaced",
        "toggle_set");
  }

  @Test
  void rowsWithoutAReasoningValueAreLeftAndCounted() {
    List<String> tally = new ArrayList<>();
    Sample none = sample(null, Message.of("user", "q"));
    Sample odd = sample("maybe", Message.of("user", "q"));
    assertThat(ReasoningToggle.THINK.apply(none, tally::add)).isSameAs(none);
    assertThat(ReasoningToggle.THINK.apply(odd, tally::add)).isSameAs(odd);
    assertThat(tally).containsExactly("toggle_no_reasoning", "toggle_no_reasoning");
  }

  @Test
  void parsesTheCommandLineWords() {
    assertThat(ReasoningToggle.parse("detailed-thinking")).isEqualTo(
        ReasoningToggle.DETAILED_THINKING);
    assertThat(ReasoningToggle.parse("detailed_thinking")).isEqualTo(
        ReasoningToggle.DETAILED_THINKING);
    assertThat(ReasoningToggle.parse("think")).isEqualTo(ReasoningToggle.THINK);
    assertThat(ReasoningToggle.parse("none")).isEqualTo(ReasoningToggle.NONE);
    assertThatThrownBy(() -> ReasoningToggle.parse("on"))
        .hasMessage("unknown reasoning toggle 'on'; use none, detailed-thinking or think");
  }
}
