package dev.refinery.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputShapeTest {
  private static final RenderOptions KEEP = RenderOptions.DEFAULT;
  private static final RenderOptions STRIP = new RenderOptions(false, RenderOptions.Reasoning.STRIP);

  private static Sample sample(String category, String reasoning, Message... messages) {
    return Sample.builder().uuid("u7").category(category).reasoning(reasoning)
        .messages(List.of(messages)).build();
  }

  @Test
  void instIsTheCardsBracketFormWithoutBosOrEos() {
    Sample s = sample("math", "on", Message.of("user", "What is 2+2?"),
        Message.of("assistant", "<think>\nadd\n</think>\n\n4"));
    assertThat(OutputShape.INST.record(s, null, KEEP)).containsExactly(
        Map.entry("uuid", "u7"),
        Map.entry("text", "[INST] What is 2+2? [/INST] <think>\nadd\n</think>\n\n4"));
    assertThat(OutputShape.INST.record(s, null, STRIP))
        .containsEntry("text", "[INST] What is 2+2? [/INST] 4");
  }

  @Test
  void instPutsTheSystemPromptInTheFirstTurnAndJoinsTurnsLikeLlama2() {
    Sample s = sample("chat", "off", Message.of("system", "detailed thinking off"),
        Message.of("user", "Hi"), Message.of("assistant", "Hello"),
        Message.of("user", "Bye"), Message.of("assistant", "See you"));
    assertThat(OutputShape.INST.record(s, null, KEEP)).containsEntry("text",
        "[INST] <<SYS>>\ndetailed thinking off\n<</SYS>>\n\nHi [/INST] Hello</s><s>"
            + "[INST] Bye [/INST] See you");
    Sample emptySystem = sample("chat", "off", Message.of("system", ""), Message.of("user", "Hi"),
        Message.of("assistant", "Hello"));
    assertThat(OutputShape.INST.record(emptySystem, null, KEEP))
        .containsEntry("text", "[INST] Hi [/INST] Hello");
  }

  @Test
  void instructionRecordsByCategory() {
    Sample math = sample("math", "on", Message.of("user", "2+2?"),
        Message.of("assistant", "<think>\nadd\n</think>\n\n\\boxed{4}"));
    assertThat(OutputShape.INSTRUCTION.record(math, null, STRIP)).containsExactly(
        Map.entry("uuid", "u7"),
        Map.entry("instruction", "You are a math tutor. Solve the following math problem. "
            + "Explain your reasoning and put the final answer in \\boxed{}."),
        Map.entry("input", "2+2?"),
        Map.entry("output", "\\boxed{4}"));
    assertThat(OutputShape.INSTRUCTION.record(math, null, KEEP))
        .containsEntry("output", "<think>\nadd\n</think>\n\n\\boxed{4}");
    Sample code = sample("code", "off", Message.of("system", "/no_think"),
        Message.of("user", "two_sum"), Message.of("assistant", "def two_sum(): ..."));
    assertThat(OutputShape.INSTRUCTION.record(code, null, KEEP)).containsEntry("instruction",
        "/no_think\n\nYou are a coding assistant. Write a solution for the following "
            + "programming challenge. Provide a brief explanation of your approach, followed by "
            + "the complete code.");
    assertThat(OutputShape.roleInstruction("stem")).startsWith("You are a research assistant. ");
    assertThat(OutputShape.roleInstruction("chat"))
        .isEqualTo("You are a helpful and friendly AI assistant.");
  }

  @Test
  void whatAShapeCannotHoldIsRejectedWithTheUuid() {
    Sample multi = sample("chat", "off", Message.of("user", "a"), Message.of("assistant", "b"),
        Message.of("user", "c"), Message.of("assistant", "d"));
    assertThatThrownBy(() -> OutputShape.INSTRUCTION.record(multi, null, KEEP))
        .hasMessage("sample u7: cannot render with instruction: an instruction record holds one "
            + "user turn and its answer; this sample has 2 user turn(s) and 4 turns after the "
            + "system prompt");
    Sample tool = sample("tool_calling", "off", Message.of("user", "weather?"),
        new Message("assistant", "", List.of(new ToolCall("c1", "function",
            new ToolCall.Function("get_weather", "{}", null), null)), null));
    assertThatThrownBy(() -> OutputShape.INST.record(tool, null, KEEP))
        .hasMessageStartingWith("sample u7: cannot render with inst: message 1 is a tool call");
    Sample twoUsers = sample("chat", "off", Message.of("user", "a"), Message.of("user", "b"));
    assertThatThrownBy(() -> OutputShape.INST.record(twoUsers, null, KEEP))
        .hasMessageContaining("roles must alternate");
  }

  @Test
  void parsesShapes() {
    assertThat(OutputShape.parse("inst")).isEqualTo(OutputShape.INST);
    assertThat(OutputShape.parse(" Instruction ")).isEqualTo(OutputShape.INSTRUCTION);
    assertThatThrownBy(() -> OutputShape.parse("alpaca"))
        .hasMessage("unknown shape 'alpaca'; use text, inst or instruction");
  }
}
