package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.refinery.TestData;
import dev.refinery.demo.SampleData;
import dev.refinery.internal.Json;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    assertThat(call.content()).isEmpty(); // not null: templates test and concatenate it
    assertThat(call.toolCalls()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("search_recipes");
      assertThat(c.arguments())
          .isEqualTo("{\"ingredients\": [\"chicken\", \"bell peppers\", \"rice\"]}");
      assertThat(c.id()).isEqualTo("call_0");
    });
    assertThat(first.messages().get(4).extra()).containsEntry("tool_call_id", "call_0");
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
    String text = Files.readString(TestData.path("axolotl-fixtures/conversation.json"));
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
    // Two observation turns in a row break LLaMA-Factory's alternation: written back, the two
    // replies are one observation turn holding a JSON list of them.
    List<Object> turns = Fields.list(Rows.viaNemotron(sharegpt, row), "conversations", "", true);
    assertThat(turns).extracting(t -> (Object) ((Map<?, ?>) t).get("from"))
        .containsExactly("human", "function_call", "observation", "gpt");
    assertThat(((Map<?, ?>) turns.get(2)).get("value")).isEqualTo("[\"sunny\", \"rain\"]");
    assertThat(sharegpt.decode(Rows.viaNemotron(sharegpt, row)).messages())
        .isEqualTo(s.messages());

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
  void assistantTextWithToolCallsIsOneFunctionCallTurnCarryingTheText() {
    Sample s = Sample.builder().messages(List.of(Message.of("user", "hi"),
        new Message("assistant", "Let me look.", List.of(ToolCall.of("x", "f", "{\"a\":1}")),
            null))).build();
    Map<String, Object> row = sharegpt.encode(s);
    assertThat(Json.write(row.get("conversations"))).isEqualTo("[{\"from\":\"human\",\"value\":"
        + "\"hi\"},{\"from\":\"function_call\",\"value\":\"{\\\"name\\\": \\\"f\\\", "
        + "\\\"arguments\\\": {\\\"a\\\":1}, \\\"id\\\": \\\"x\\\"}\",\"content\":\"Let me look.\"}]");
    // The assistant message comes back whole: text and call together, arguments as written, id
    // kept.
    Sample back = sharegpt.decode(Rows.parse(Json.write(row)));
    assertThat(back.messages().get(1)).isEqualTo(new Message("assistant", "Let me look.",
        List.of(ToolCall.of("x", "f", "{\"a\":1}")), null));
  }

  @Test
  void nullContentOfACallTurnSurvivesARoundTrip() {
    Sample s = Sample.builder().messages(List.of(Message.of("user", "hi"),
        new Message("assistant", null, List.of(ToolCall.of("call_0", "f", "{}")), null)))
        .build();
    Sample back = sharegpt.decode(Rows.parse(Json.write(sharegpt.encode(s))));
    assertThat(back.messages().get(1).content()).isNull();
  }

  @Test
  void emptyContentStaysEmptyThroughShareGpt() {
    Sample s = Sample.builder().messages(List.of(Message.of("user", ""),
        new Message("assistant", "", List.of(ToolCall.of("x", "f", "{}")), null),
        Message.of("tool", ""), Message.of("assistant", ""))).build();
    Sample back = sharegpt.decode(Rows.parse(Json.write(sharegpt.encode(s))));
    assertThat(back.messages()).extracting(Message::content).containsExactly("", "", "", "");
    assertThat(back.messages().get(1).toolCalls()).singleElement()
        .extracting(ToolCall::name).isEqualTo("f");
  }

  @Test
  void parallelCallsAreOneFunctionCallTurnAndTheirRepliesOneObservationTurn() {
    Sample s = Sample.builder().messages(List.of(Message.of("user", "Paris and Rome?"),
        new Message("assistant", null, List.of(ToolCall.of("a", "w", "{\"city\": \"Paris\"}"),
            ToolCall.of("b", "w", "{\"city\": \"Rome\"}")), null),
        new Message("tool", "{\"t\": 20}", null, Map.of("tool_call_id", "a")),
        new Message("tool", "rain", null, Map.of("tool_call_id", "b")),
        Message.of("assistant", "Warm in Paris, rain in Rome."))).build();
    Map<String, Object> row = Rows.parse(Json.write(sharegpt.encode(s)));
    List<Object> turns = Fields.list(row, "conversations", "", true);
    assertThat(turns).extracting(t -> (Object) ((Map<?, ?>) t).get("from"))
        .containsExactly("human", "function_call", "observation", "gpt");
    assertThat(((Map<?, ?>) turns.get(1)).get("value")).isEqualTo("[{\"name\": \"w\", "
        + "\"arguments\": {\"city\": \"Paris\"}, \"id\": \"a\"}, {\"name\": \"w\", \"arguments\": "
        + "{\"city\": \"Rome\"}, \"id\": \"b\"}]");
    assertThat(((Map<?, ?>) turns.get(2)).get("value"))
        .isEqualTo("[\"{\\\"t\\\": 20}\", \"rain\"]");
    assertThat(sharegpt.decode(row).messages()).extracting(Message::role, Message::content)
        .containsExactly(tuple("user", "Paris and Rome?"), tuple("assistant", null),
            tuple("tool", "{\"t\": 20}"), tuple("tool", "rain"),
            tuple("assistant", "Warm in Paris, rain in Rome."));
    // The whole conversation comes back: call ids, and each reply the id of its call.
    assertThat(sharegpt.decode(row).messages()).isEqualTo(s.messages());
  }

  /** Nemotron rows of sample-data's tool split: every conversation alternates as LLaMA-Factory
   * requires, and comes back as the same messages but for the tool call ids (ShareGPT has no
   * place for them; decoding numbers the calls call_0, call_1, ...). */
  @Test
  void sampleDataToolRowsAlternateAndRoundTrip(@TempDir Path dir) throws Exception {
    SampleData.Summary data = SampleData.write(dir,
        SampleData.Spec.of(20_000, 11).withFileKind(FileKind.JSONL));
    Path tool = data.files().stream()
        .filter(f -> f.getFileName().toString().startsWith("tool")).findFirst()
        .orElseThrow();
    List<Sample> samples = new ArrayList<>();
    try (RowReader reader = RowReaders.open(Inputs.resolve(tool.toString()).get(0))) {
      RawRow raw;
      while ((raw = reader.next()) != null) {
        samples.add(Formats.nemotron().decode(raw.fields()));
      }
    }
    assertThat(samples).hasSizeGreaterThan(100);
    int parallel = 0;
    int checked = 0;
    for (Sample s : samples) {
      Map<String, Object> row = Rows.parse(Json.write(sharegpt.encode(s)));
      List<Object> turns = Fields.list(row, "conversations", "", true);
      // Rows planted with their first user and assistant turns swapped cannot alternate.
      boolean wellOrdered = s.messages().stream().filter(m -> !m.role().equals("system"))
          .findFirst().map(Message::isUser).orElse(false);
      for (int k = 0; wellOrdered && k < turns.size(); k++) {
        Object from = ((Map<?, ?>) turns.get(k)).get("from");
        assertThat(from).as("%s turn %d", s.uuid(), k)
            .isIn(k % 2 == 0 ? List.of("human", "observation") : List.of("gpt", "function_call"));
      }
      checked += wellOrdered ? 1 : 0;
      parallel += s.messages().stream().anyMatch(m -> m.toolCallsOrEmpty().size() > 1) ? 1 : 0;
      assertThat(withoutIds(sharegpt.decode(row).messages())).as(s.uuid())
          .isEqualTo(withoutIds(s.messages()));
    }
    assertThat(parallel).isPositive();
    assertThat(checked).isGreaterThan(samples.size() * 9 / 10);
  }

  private static List<Message> withoutIds(List<Message> messages) {
    return messages.stream().map(m -> {
      Map<String, Object> extra = new java.util.LinkedHashMap<>(m.extra());
      extra.remove("tool_call_id");
      List<ToolCall> calls = m.toolCalls() == null ? null : m.toolCalls().stream()
          .map(c -> new ToolCall(null, c.type(), c.function(), c.extra())).toList();
      return new Message(m.role(), m.content(), calls, extra);
    }).toList();
  }
}
