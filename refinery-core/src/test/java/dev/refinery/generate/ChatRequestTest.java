package dev.refinery.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatRequestTest {

  @Test
  void writesTheNamedFieldsInAFixedOrderThenTheExtraVerbatim() {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("chat_template_kwargs", Map.of("enable_thinking", false));
    extra.put("repetition_penalty", 1.05);
    String json = ChatRequest.of("Qwen/Qwen3-8B", List.of(Message.of("user", "hi")))
        .withSampling(0.6, 0.95, 1024).withSeed(42L).withExtra(extra).toJson();

    assertThat(json).isEqualTo("{\"model\":\"Qwen/Qwen3-8B\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}],\"temperature\":0.6,\"top_p\":0.95,\"max_tokens\":1024,"
        + "\"seed\":42,\"n\":1,\"chat_template_kwargs\":{\"enable_thinking\":false},"
        + "\"repetition_penalty\":1.05}");
  }

  @Test
  void leavesUnsetSamplingParametersToTheServer() {
    String json = ChatRequest.of("m", List.of(Message.of("user", "hi"))).toJson();
    assertThat(json).isEqualTo(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":1}");
  }

  @Test
  void extraMayNotOverrideANamedField() {
    ChatRequest request = ChatRequest.of("m", List.of(Message.of("user", "hi")));
    assertThatThrownBy(() -> request.withExtra(Map.of("n", 4)))
        .hasMessage("extra request field 'n' has its own option; set it there");
  }

  @Test
  void aPromptIsSentWithItsToolsAndWithoutItsOldAnswer() {
    String metadata = "{\"tools\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
        + "\"properties\":{\"city\":{\"type\":\"string\"}}}},{\"type\":\"function\","
        + "\"function\":{\"name\":\"get_time\",\"parameters\":{}}}]}";
    Message toolTurn = new Message("tool", "{\"temp\":3}", null,
        Map.of("tool_call_id", "call_1"));
    Sample prompt = Sample.builder().uuid("p-1").metadata(metadata).messages(List.of(
        Message.of("user", "Weather in Oslo?"),
        new Message("assistant", null, List.of(ToolCall.of("call_1", "get_weather",
            "{\"city\":\"Oslo\"}")), null),
        toolTurn,
        Message.of("assistant", "It is 3 degrees."))).build();

    Map<?, ?> body = (Map<?, ?>) Json.parseOrNull(ChatRequest.forPrompt("m", prompt).toJson());

    List<?> messages = (List<?>) body.get("messages");
    assertThat(messages).hasSize(3);
    assertThat(((Map<?, ?>) messages.get(2)).get("tool_call_id")).isEqualTo("call_1");
    assertThat(Json.write(((Map<?, ?>) messages.get(1)).get("tool_calls"))).isEqualTo(
        "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]");
    List<?> tools = (List<?>) body.get("tools");
    assertThat(Json.write(tools.get(0))).startsWith(
        "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",");
    assertThat(Json.write(tools.get(1))).startsWith(
        "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"");
  }

  @Test
  void aPromptWithoutToolsSendsNoToolsField() {
    Sample prompt = Sample.builder().uuid("p").metadata("{\"source\":\"x\"}")
        .messages(List.of(Message.of("user", "hi"))).build();
    assertThat(ChatRequest.forPrompt("m", prompt).toJson()).doesNotContain("tools");
  }

  @Test
  void aPromptWithoutUserTurnIsRefusedNamingItsUuid() {
    Sample prompt = Sample.builder().uuid("p-9")
        .messages(List.of(Message.of("assistant", "hello"))).build();
    assertThatThrownBy(() -> ChatRequest.forPrompt("m", prompt))
        .hasMessage("prompt p-9 has no user turn");
  }
}
