package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiFormatTest {
  private final Format openai = Formats.byName("openai");

  @Test
  void nemoSkillsMessagesDecodeAndRoundTripExactly() {
    List<Map<String, Object>> rows = Rows.of("nemo-skills-samples/small_sft_messages_5.jsonl");
    assertThat(rows).hasSize(5);
    Sample first = openai.decode(rows.get(0));
    assertThat(first.messages()).extracting(Message::role)
        .containsExactly("system", "user", "assistant");
    assertThat(first.messages().get(0).content()).startsWith("Help the user to solve the given "
        + "math problem. Make sure to put the answer (and only answer) inside \\boxed{}.");
    assertThat(first.firstUserPrompt())
        .isEqualTo("Simplify the expression: $2(x-3)^2 - 5(x+2)(x-1) + 3x^2 - 7.$");
    assertThat(first.finalAssistant().content()).endsWith("\\boxed{-17x + 21} \\]");
    for (Map<String, Object> row : rows) {
      assertThat(Rows.viaNemotron(openai, row)).isEqualTo(row);
    }
  }

  @Test
  void llamaFactoryReasoningAndToolCallPartsBecomeThinkBlocksAndToolCalls() {
    List<Sample> samples =
        Rows.decodeAll(openai, "llamafactory-demo/reason_tool_use_demo_50.jsonl");
    assertThat(samples).hasSize(50);
    // Counted in the file: 68 tool_call parts, 112 assistant turns each with one reasoning part.
    assertThat(samples.stream().mapToInt(Sample::toolCallCount).sum()).isEqualTo(68);
    List<Message> assistants = samples.stream().flatMap(s -> s.messages().stream())
        .filter(Message::isAssistant).toList();
    assertThat(assistants).hasSize(112)
        .allSatisfy(m -> assertThat(m.content()).startsWith("<think>\n"));
    // Two answers in the file (rows 6 and 7) end with a stray "</think>" of their own; every
    // other turn holds exactly one well-formed block.
    assertThat(assistants.stream().filter(m -> ThinkBlock.parse(m.content()).state()
        == ThinkBlock.State.CLOSED).count()).isEqualTo(110);
    assertThat(ThinkBlock.parse(samples.get(5).messages().get(2).content()).state())
        .isEqualTo(ThinkBlock.State.STRAY_TAG);

    Sample second = samples.get(1);
    Message call = second.messages().get(2);
    assertThat(call.content()).startsWith("<think>\nAlright, the user wants information about "
        + "the movie \"Inception\".").endsWith("\n</think>\n\n");
    assertThat(call.toolCalls()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("get_movie_details");
      assertThat(c.arguments()).isEqualTo("{\"title\": \"Inception\"}");
      assertThat(c.id()).isEqualTo("call_0");
    });
    Map<?, ?> metadata = (Map<?, ?>) Json.parseOrNull(second.metadata());
    assertThat((List<?>) metadata.get("tools")).isNotEmpty();

    Sample first = samples.get(0);
    assertThat(first.messages().get(0).role()).isEqualTo("system");
    assertThat(ThinkBlock.parse(first.finalAssistant().content()).answer())
        .startsWith("I'm sorry, but the available tools don't seem to have a function");
  }

  @Test
  void typedPartRecordsComeBackInPlainOpenAiFormWithTheSameMeaning() {
    for (String file : List.of("llamafactory-demo/reason_tool_use_demo_50.jsonl",
        "llamafactory-demo/v1_sft_demo.jsonl")) {
      for (Map<String, Object> row : Rows.of(file)) {
        Sample s = openai.decode(row);
        Map<String, Object> back = Rows.viaNemotron(openai, row);
        // Decoding gave results the tool_call_id the typed parts lacked, so nothing changes.
        assertThat(openai.decode(back)).as(file).isEqualTo(s);
        assertThat(Rows.viaNemotron(openai, back)).isEqualTo(back);
      }
    }
  }

  @Test
  void resultsOfTypedPartToolCallsArePairedWithTheirGeneratedIds() {
    Sample second = Rows.decodeAll(openai, "llamafactory-demo/reason_tool_use_demo_50.jsonl")
        .get(1);
    List<?> messages = (List<?>) openai.encode(second).get("messages");
    Map<?, ?> result = (Map<?, ?>) messages.get(3);
    assertThat(result.get("role")).isEqualTo("tool");
    assertThat(result.get("tool_call_id")).isEqualTo("call_0");
    // Already on import: the reply names the call it answers.
    assertThat(second.messages().get(3).extra()).containsEntry("tool_call_id", "call_0");
  }

  @Test
  void v1SftKeepsLossWeightsPerMessage() {
    List<Sample> samples = Rows.decodeAll(openai, "llamafactory-demo/v1_sft_demo.jsonl");
    assertThat(samples).hasSize(50);
    Sample first = samples.get(0);
    assertThat(first.messages()).containsExactly(
        new Message("user", "hi", null, Map.of("loss_weight", 0.0)),
        new Message("assistant", "Hello! I am {{name}}, an AI assistant developed by {{author}}. "
            + "How can I assist you today?", null, Map.of("loss_weight", 1.0)));
  }

  @Test
  void openAiTextPartsAndObjectArgumentsAndNemotronFields() {
    Map<String, Object> row = Rows.parse("""
        {"uuid": "u1", "category": "tool_calling", "reasoning": "off",
         "messages": [
           {"role": "user", "content": [{"type": "text", "text": "Hi "}, {"type": "text", "text": "there"}]},
           {"role": "assistant", "content": null, "tool_calls": [{"id": "c9", "type": "function",
              "function": {"name": "f", "arguments": {"x": 1}}}]},
           {"role": "tool", "content": "42", "tool_call_id": "c9", "name": "f"}],
         "tools": [{"type": "function", "function": {"name": "f"}}],
         "metadata": {"source": "unit"}}""");
    Sample s = openai.decode(row);
    assertThat(s.uuid()).isEqualTo("u1");
    assertThat(s.category()).isEqualTo("tool_calling");
    assertThat(s.firstUserPrompt()).isEqualTo("Hi there");
    assertThat(s.messages().get(1).toolCalls()).containsExactly(
        new ToolCall("c9", "function", new ToolCall.Function("f", "{\"x\":1}", null), null));
    assertThat(s.messages().get(2).extra()).containsEntry("tool_call_id", "c9")
        .containsEntry("name", "f");
    assertThat(s.metadata()).isEqualTo(
        "{\"source\":\"unit\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}");
    assertThat(s.extra()).isEmpty();

    Map<String, Object> out = openai.encode(s);
    assertThat(out.get("tools")).isEqualTo(row.get("tools"));
    assertThat(out.get("metadata")).isEqualTo(Map.of("source", "unit"));
    assertThat(out).containsEntry("uuid", "u1");
  }

  @Test
  void unsupportedPartTypeIsASchemaError() {
    Map<String, Object> row = Rows.parse("{\"messages\": [{\"role\": \"user\", \"content\": "
        + "[{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}");
    assertThatThrownBy(() -> openai.decode(row)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("messages[0].content[0]");
  }
}
