package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlpacaFormatTest {
  private final Format alpaca = Formats.byName("alpaca");

  @ParameterizedTest
  @CsvSource({"llamafactory-demo/identity.json, 91, 0",
      "axolotl-fixtures/alpaca.json, 2, 2"})
  void realFilesDecodeAndRoundTrip(String file, int rows, int withInput) {
    List<Map<String, Object>> records = Rows.of(file);
    assertThat(records).hasSize(rows);
    int inputs = 0;
    for (Map<String, Object> row : records) {
      Sample s = alpaca.decode(row);
      assertThat(s.messages()).extracting(Message::role).containsExactly("user", "assistant");
      assertThat(s.finalAssistant().content()).isEqualTo(row.get("output"));
      Map<String, Object> back = Rows.viaNemotron(alpaca, row);
      if (((String) row.get("input")).isEmpty()) {
        assertThat(back).isEqualTo(row);
      } else {
        // The instruction/input split is not kept: the whole user turn comes back as the
        // instruction, which decodes to the same conversation.
        inputs++;
        assertThat(back).containsEntry("input", "")
            .containsEntry("instruction", row.get("instruction") + "\n" + row.get("input"));
        assertThat(alpaca.decode(back)).isEqualTo(s);
      }
    }
    assertThat(inputs).isEqualTo(withInput);
  }

  @Test
  void userTurnIsInstructionNewlineInputAsLlamaFactoryJoinsThem() {
    Sample s = Rows.decodeAll(alpaca, "axolotl-fixtures/alpaca.json").get(0);
    assertThat(s.firstUserPrompt()).isEqualTo("You will be given a series of words. Output "
        + "these words in reverse order, with each word on its own line.\nWords: ['Hello', "
        + "'world'].");
    assertThat(s.finalAssistant().content()).isEqualTo("['world', 'Hello']");
    assertThat(s.uuid()).isNull();
  }

  @Test
  void identityKeepsItsPlaceholders() {
    Sample s = Rows.decodeAll(alpaca, "llamafactory-demo/identity.json").get(0);
    assertThat(s.firstUserPrompt()).isEqualTo("hi");
    assertThat(s.finalAssistant().content()).isEqualTo("Hello! I am {{name}}, an AI assistant "
        + "developed by {{author}}. How can I assist you today?");
  }

  @Test
  void systemAndHistoryComeBeforeTheLastTurnAndRoundTrip() {
    Map<String, Object> row = Rows.parse("""
        {"instruction": "And in French?", "input": "", "output": "Bonjour",
         "system": "You translate.", "history": [["Say hello in German", "Hallo"]]}""");
    Sample s = alpaca.decode(row);
    assertThat(s.messages()).containsExactly(Message.of("system", "You translate."),
        Message.of("user", "Say hello in German"), Message.of("assistant", "Hallo"),
        Message.of("user", "And in French?"), Message.of("assistant", "Bonjour"));
    assertThat(Rows.viaNemotron(alpaca, row)).isEqualTo(row);
  }

  @Test
  void samplesAlpacaCannotExpressAreRejectedWithTheReason() {
    Sample toolCall = Sample.builder().messages(List.of(Message.of("user", "weather?"),
        new Message("assistant", null, List.of(ToolCall.of("c", "w", "{}")), null))).build();
    assertThatThrownBy(() -> alpaca.encode(toolCall)).isInstanceOf(SchemaException.class)
        .hasMessage("messages[1] has tool calls, which Alpaca cannot express");

    Sample twoUsers = Sample.builder().messages(List.of(Message.of("user", "a"),
        Message.of("user", "b"), Message.of("assistant", "c"))).build();
    assertThatThrownBy(() -> alpaca.encode(twoUsers)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("messages[1] is a user turn where Alpaca needs a assistant turn");

    Sample noAnswer = Sample.builder().messages(List.of(Message.of("user", "a"))).build();
    assertThatThrownBy(() -> alpaca.encode(noAnswer)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("does not end with an assistant answer");
  }

  @Test
  void missingOutputIsASchemaError() {
    assertThatThrownBy(() -> alpaca.decode(Rows.parse("{\"instruction\": \"x\"}")))
        .isInstanceOf(SchemaException.class).hasMessage("output is missing");
  }
}
