package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.SharedData;
import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShareGptFormatTest {
  private final Format sharegpt = Formats.byName("sharegpt");

  @Test
  void glaiveToolCallBecomesAnAssistantToolCallAndToolsGoToMetadata() {
    List<Sample> samples = Rows.decodeAll(sharegpt, "llamafactory-demo/glaive_toolcall_en_demo.json");
    assertThat(samples).hasSize(300);

    Sample first = samples.get(0);
    assertThat(first.messages()).extracting(Message::role).containsExactly(
        "user", "assistant", "user", "assistant", "tool", "assistant", "user", "assistant");
    Message call = first.messages().get(3);
    assertThat(call.content()).isNull();
    assertThat(call.toolCalls()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("search_recipes");
      assertThat(c.arguments())
          .isEqualTo("{\"ingredients\": [\"chicken\", \"bell peppers\", \"rice\"]}");
      assertThat(c.id()).isEqualTo("call_0");
    });
    assertThat(first.messages().get(4).content()).startsWith("{\"recipes\": [{\"name\": "
        + "\"Chicken and Bell Pepper Stir Fry\"");
    Map<?, ?> metadata = (Map<?, ?>) Json.parseOrNull(first.metadata());
    assertThat((List<?>) metadata.get("tools")).singleElement()
        .satisfies(t -> assertThat(((Map<?, ?>) t).get("name")).isEqualTo("search_recipes"));

    // Glaive's counts: 211 function_call and 211 observation turns over the 300 rows.
    assertThat(samples.stream().mapToInt(Sample::toolCallCount).sum()).isEqualTo(211);
    assertThat(samples.stream().flatMap(s -> s.messages().stream())
        .filter(m -> m.role().equals("tool")).count()).isEqualTo(211);
  }

  @Test
  void chineseGlaiveKeepsItsCharactersInArguments() {
    Sample first = Rows.decodeAll(sharegpt, "llamafactory-demo/glaive_toolcall_zh_demo.json")
        .get(0);
    ToolCall call = first.messages().stream().filter(Message::hasToolCalls).findFirst()
        .orElseThrow().toolCalls().get(0);
    assertThat(call.name()).isEqualTo("generate_invoice");
    assertThat(call.arguments()).startsWith("{\"customer_name\": \"约翰·多伊\", \"items\": "
        + "[{\"name\": \"苹果\", \"quantity\": 2, \"price\": 1}, {\"name\": \"香蕉\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"llamafactory-demo/glaive_toolcall_en_demo.json",
      "llamafactory-demo/glaive_toolcall_zh_demo.json"})
  void everyRowSurvivesARoundTripThroughNemotron(String file) {
    List<Map<String, Object>> rows = Rows.of(file);
    assertThat(rows).hasSize(300);
    for (Map<String, Object> row : rows) {
      assertThat(Rows.viaNemotron(sharegpt, row)).isEqualTo(row);
      // Byte for byte, too: tools and function_call values are written as Python writes them.
      assertThat(Json.write(Rows.viaNemotron(sharegpt, row))).isEqualTo(Json.write(row));
    }
  }

  @Test
  void axolotlConversationHasTwelveHumanAndGptTurns() throws Exception {
    // A single pretty-printed JSON object, which the row readers do not take; parse it whole.
    String text = Files.readString(SharedData.path("axolotl-fixtures/conversation.json"));
    Map<String, Object> row = Rows.parse(text);
    Sample s = sharegpt.decode(row);
    assertThat(s.messages()).hasSize(12);
    assertThat(s.firstUserPrompt()).isEqualTo("how could i implement a minesweeper algorithm "
        + "that utilises algebraic topology to solve boards?");
    assertThat(s.messages()).extracting(Message::role).containsOnly("user", "assistant");
    assertThat(Rows.viaNemotron(sharegpt, row)).isEqualTo(row);
  }

  @Test
  void systemFieldAndParallelCallsAndExtras() {
    Map<String, Object> row = Rows.parse("""
        {"conversations": [
          {"from": "human", "value": "Weather in Paris and Rome?"},
          {"from": "function_call", "value": "[{\\"name\\": \\"w\\", \\"arguments\\": {\\"city\\": \\"Paris\\"}}, {\\"name\\": \\"w\\", \\"arguments\\": {\\"city\\": \\"Rome\\"}}]"},
          {"from": "observation", "value": "sunny"},
          {"from": "observation", "value": "rain"},
          {"from": "gpt", "value": "Sunny and rainy.", "weight": 1}],
         "system": "Be brief.", "source": "hand"}""");
    Sample s = sharegpt.decode(row);
    assertThat(s.messages().get(0)).isEqualTo(Message.of("system", "Be brief."));
    assertThat(s.messages().get(2).toolCalls()).extracting(ToolCall::id, ToolCall::arguments)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("call_0", "{\"city\": \"Paris\"}"),
            org.assertj.core.groups.Tuple.tuple("call_1", "{\"city\": \"Rome\"}"));
    assertThat(s.messages().get(5).extra()).containsEntry("weight", 1L);
    assertThat(s.extra()).containsEntry("source", "hand");
    assertThat(s.metadata()).isNull();
    assertThat(Rows.viaNemotron(sharegpt, row)).isEqualTo(row);

    // OpenAI needs each tool result paired with its call: the ids are generated in order.
    Map<String, Object> openai = Formats.byName("openai").encode(s);
    List<?> messages = (List<?>) openai.get("messages");
    assertThat(((Map<?, ?>) messages.get(3)).get("tool_call_id")).isEqualTo("call_0");
    assertThat(((Map<?, ?>) messages.get(4)).get("tool_call_id")).isEqualTo("call_1");
  }

  @Test
  void unknownSpeakerIsASchemaErrorNamingIt() {
    Map<String, Object> row = Rows.parse(
        "{\"conversations\": [{\"from\": \"narrator\", \"value\": \"Once upon a time\"}]}");
    assertThatThrownBy(() -> sharegpt.decode(row)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("conversations[0].from is 'narrator'");
  }

  @Test
  void assistantTextWithToolCallsBecomesAGptTurnThenAFunctionCall() {
    Sample s = Sample.builder().messages(List.of(Message.of("user", "hi"),
        new Message("assistant", "Let me look.", List.of(ToolCall.of("x", "f", "{\"a\":1}")),
            null))).build();
    Map<String, Object> row = sharegpt.encode(s);
    assertThat(Json.write(row.get("conversations"))).isEqualTo("[{\"from\":\"human\",\"value\":"
        + "\"hi\"},{\"from\":\"gpt\",\"value\":\"Let me look.\"},{\"from\":\"function_call\","
        + "\"value\":\"{\\\"name\\\": \\\"f\\\", \\\"arguments\\\": {\\\"a\\\": 1}}\"}]");
  }
}
