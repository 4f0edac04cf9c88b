package dev.refinery.template.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PromptOptionsPropertiesTest {
  @Provide
  Arbitrary<Sample> samples() {
    // Texts that may already hold a card instruction, a toggle or stray braces.
    Arbitrary<String> text = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(30),
        Arbitraries.of("/think", "/no_think", "detailed thinking on", "{prompt}", "",
            PromptTemplates.MATH_INSTRUCTION + "\n\nx", "You are a helpful and friendly AI "
                + "assistant."));
    Arbitrary<Message> turn = Combinators.combine(
        Arbitraries.of("system", "user", "assistant"), text).as(Message::of);
    return Combinators.combine(
        Arbitraries.of("math", "code", "stem", "chat", "tool_calling", "other"),
        Arbitraries.of("on", "off", "", "maybe"),
        turn.list().ofMaxSize(5)).as((category, reasoning, messages) -> Sample.builder()
        .uuid("u").category(category).reasoning(reasoning.isEmpty() ? null : reasoning)
        .messages(messages).build());
  }

  @Provide
  Arbitrary<PromptOptions> options() {
    return Combinators.combine(
        Arbitraries.of("none", "auto", "math", "code", "stem", "chat"),
        Arbitraries.of("", "Be brief."),
        Arbitraries.of("none", "detailed-thinking", "think"))
        .as((t, sys, toggle) -> PromptOptions.parse(t, sys, toggle));
  }

  @Property(tries = 500)
  void applyingTwiceIsApplyingOnce(@ForAll("samples") Sample s,
      @ForAll("options") PromptOptions options) {
    Sample once = options.apply(s, k -> { });
    List<String> second = new ArrayList<>();
    assertThat(options.apply(once, second::add)).isEqualTo(once);
    assertThat(second).doesNotContain("template_applied", "system_prompt_set", "toggle_set",
        "toggle_replaced");
  }

  @Property(tries = 500)
  void assistantTurnsAreNeverTouched(@ForAll("samples") Sample s,
      @ForAll("options") PromptOptions options) {
    Sample out = options.apply(s, k -> { });
    assertThat(out.messages().stream().filter(Message::isAssistant).toList())
        .isEqualTo(s.messages().stream().filter(Message::isAssistant).toList());
    assertThat(out.messages().size() - s.messages().size()).isBetween(0, 1);
  }
}
