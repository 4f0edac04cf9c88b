package dev.refinery.generate;

import static dev.refinery.generate.FakeChatServer.completion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.generate.ReasoningMode.Style;
import dev.refinery.sample.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReasoningModeTest {
  private static final ChatRequest BARE =
      ChatRequest.of("m", List.of(Message.of("user", "2+2?")));
  private static final ChatRequest WITH_SYSTEM = ChatRequest.of("m", List.of(
      Message.of("system", "detailed thinking on\nYou are terse. /think"),
      Message.of("user", "2+2?")));

  @Test
  void detailedThinkingIsTheFirstLineOfTheSystemPrompt() {
    assertThat(system(new ReasoningMode(Style.DETAILED_THINKING, false).apply(BARE)))
        .isEqualTo("detailed thinking off");
    // An existing toggle is replaced, not doubled; the rest of the prompt stays.
    assertThat(system(new ReasoningMode(Style.DETAILED_THINKING, false).apply(WITH_SYSTEM)))
        .isEqualTo("detailed thinking off\nYou are terse.");
  }

  @Test
  void slashThinkGoesLastInTheSystemPrompt() {
    assertThat(system(new ReasoningMode(Style.SLASH_THINK, false).apply(WITH_SYSTEM)))
        .isEqualTo("You are terse.\n/no_think");
    assertThat(system(new ReasoningMode(Style.SLASH_THINK, true).apply(BARE)))
        .isEqualTo("/think");
  }

  @Test
  void qwen3EnableThinkingMergesIntoGivenChatTemplateKwargs() {
    ChatRequest given = BARE.withExtra(Map.of("chat_template_kwargs",
        Map.of("enable_thinking", true, "custom", "x")));
    String json = new ReasoningMode(Style.QWEN3_ENABLE_THINKING, false).apply(given).toJson();
    assertThat(json).contains("\"chat_template_kwargs\":{")
        .contains("\"enable_thinking\":false").contains("\"custom\":\"x\"");
    assertThat(new ReasoningMode(Style.QWEN3_ENABLE_THINKING, false).apply(BARE).messages())
        .isEqualTo(BARE.messages());
  }

  @Test
  void deepSeekR1HasNoOffMode() {
    assertThat(new ReasoningMode(Style.DEEPSEEK_R1, true).apply(WITH_SYSTEM))
        .isEqualTo(WITH_SYSTEM);
    assertThatThrownBy(() -> new ReasoningMode(Style.DEEPSEEK_R1, false))
        .hasMessageStartingWith("DeepSeek-R1 style models always reason");
  }

  @Test
  void storesTheV1Form() {
    ChatResponse reasoned = ChatResponse.parse(completion("\n\n4\n", "add two and two"));
    ChatResponse emptyThink = ChatResponse.parse(completion("<think>\n\n</think>\n\n4", null));
    ReasoningMode on = new ReasoningMode(Style.QWEN3_ENABLE_THINKING, true);
    ReasoningMode off = new ReasoningMode(Style.QWEN3_ENABLE_THINKING, false);

    assertThat(on.v1Content(reasoned)).isEqualTo("<think>\nadd two and two\n</think>\n\n4");
    assertThat(on.reasoning()).isEqualTo("on");
    assertThat(off.v1Content(emptyThink)).isEqualTo("4");
    assertThat(off.reasoning()).isEqualTo("off");
    assertThat(on.mismatch(reasoned)).isEmpty();
    assertThat(off.mismatch(emptyThink)).isEmpty();
  }

  @Test
  void saysWhenAResponseDoesNotFitItsMode() {
    ReasoningMode on = new ReasoningMode(Style.SLASH_THINK, true);
    ReasoningMode off = new ReasoningMode(Style.SLASH_THINK, false);

    assertThat(on.mismatch(ChatResponse.parse(completion("4", null))))
        .hasValue("reasoning on but the response has no reasoning trace");
    assertThat(off.mismatch(ChatResponse.parse(completion("<think>hmm</think>4", null))))
        .hasValue("reasoning off but the response has a reasoning trace of 3 chars");
    assertThat(on.mismatch(ChatResponse.parse("{\"choices\":[{\"message\":{\"content\":"
        + "\"<think>\\nhmm\"},\"finish_reason\":\"length\"}]}")))
        .hasValue("the reasoning trace is not terminated (finish_reason length)");
    assertThat(on.mismatch(ChatResponse.parse(completion(
        "<think>a</think>b<think>c</think>d", null))))
        .hasValue("the response repeats think tags");
  }

  private static String system(ChatRequest request) {
    assertThat(request.messages().get(0).role()).isEqualTo("system");
    return request.messages().get(0).content();
  }

  @Test
  void modesAreParsedAndDeepSeekOffIsRefused() {
    assertThat(ReasoningMode.parse("qwen3", "both")).extracting(ReasoningMode::on)
        .containsExactly(true, false);
    assertThat(ReasoningMode.parse("qwen3", "off").get(0).settingsName())
        .isEqualTo("qwen3_enable_thinking:off");
    assertThatThrownBy(() -> ReasoningMode.parse("deepseek-r1", "both"))
        .isInstanceOf(dev.refinery.RefineryException.class).hasMessageContaining("always reason");
    assertThatThrownBy(() -> ReasoningMode.parse("gpt", "on"))
        .hasMessageContaining("unknown --mode-style 'gpt'");
  }
}
