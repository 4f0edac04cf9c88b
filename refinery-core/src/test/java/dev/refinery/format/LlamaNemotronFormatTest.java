package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.demo.SampleData;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-written fixture in the nvidia/Llama-Nemotron-Post-Training-Dataset layout (the dataset
 * itself is not in testdata).
 */
class LlamaNemotronFormatTest {
  private final Format format = Formats.byName("llama-nemotron");

  static List<Map<String, Object>> fixture() throws Exception {
    Path file = Path.of(LlamaNemotronFormatTest.class
        .getResource("/formats/llama_nemotron_sample.jsonl").toURI());
    List<Map<String, Object>> rows = new ArrayList<>();
    try (RowReader reader = RowReaders.open(Inputs.resolve(file.toString()).get(0))) {
      RawRow row;
      while ((row = reader.next()) != null) {
        rows.add(row.fields());
      }
    }
    return rows;
  }

  @Test
  void systemPromptInputAndOutputBecomeTheConversation() throws Exception {
    List<Map<String, Object>> rows = fixture();
    Sample first = format.decode(rows.get(0));
    // "detailed thinking on" is the reasoning switch, not a message.
    assertThat(first.messages()).containsExactly(
        Message.of("user", "What is 7 * 6?"),
        Message.of("assistant", "<think>\nSeven times six is forty-two.\n</think>\n\n7 * 6 = 42."));
    assertThat(first.reasoning()).isEqualTo("on");
    assertThat(first.category()).isEqualTo("math");
    assertThat(first.generator()).isEqualTo("DeepSeek-R1");
    assertThat(first.extra()).containsExactly(Map.entry("used_in_training", "yes"));

    Sample multiTurn = format.decode(rows.get(1));
    assertThat(multiTurn.messages()).extracting(Message::role)
        .containsExactly("user", "assistant", "user", "assistant");
  }

  @Test
  void anotherSystemPromptIsASystemMessage() {
    Sample s = format.decode(Rows.parse("{\"input\": [{\"role\": \"user\", \"content\": "
        + "\"q\"}], \"output\": \"a\", \"system_prompt\": \"Be brief.\"}"));
    assertThat(s.messages()).containsExactly(Message.of("system", "Be brief."),
        Message.of("user", "q"), Message.of("assistant", "a"));
    assertThat(s.reasoning()).isNull();
  }

  @Test
  void encodingPutsTheReasoningSwitchInTheSystemPromptAndTheSystemMessageInInput() {
    Sample s = Sample.builder().reasoning("off").messages(List.of(
        Message.of("system", "Be brief."), Message.of("user", "q"), Message.of("assistant", "a")))
        .build();
    Map<String, Object> row = format.encode(s);
    assertThat(row).containsEntry("system_prompt", "detailed thinking off")
        .containsEntry("input", List.of(Map.of("role", "system", "content", "Be brief."),
            Map.of("role", "user", "content", "q")));
    assertThat(format.decode(row).messages()).isEqualTo(s.messages());
  }

  /** sample-data's chat split has system prompts and reasoning on and off. */
  @Test
  void sampleDataChatRowsKeepTheirMessagesThroughLlamaNemotron(@TempDir Path dir)
      throws Exception {
    SampleData.Summary data = SampleData.write(dir,
        SampleData.Spec.of(10_000, 5).withFileKind(FileKind.JSONL));
    Path chat = data.files().stream()
        .filter(f -> f.getFileName().toString().startsWith("chat")).findFirst().orElseThrow();
    Format nemotron = Formats.nemotron();
    int withSystem = 0;
    int n = 0;
    try (RowReader reader = RowReaders.open(Inputs.resolve(chat.toString()).get(0))) {
      RawRow raw;
      while ((raw = reader.next()) != null) {
        Sample s = nemotron.decode(raw.fields());
        if (!s.messages().get(s.messages().size() - 1).isAssistant()) {
          continue; // planted: no assistant turn, which llama-nemotron needs as its output
        }
        n++;
        withSystem += s.messages().get(0).role().equals("system") ? 1 : 0;
        String line = dev.refinery.internal.Json.write(format.encode(s));
        Sample back = nemotron.decode(Rows.parse(dev.refinery.internal.Json.write(
            nemotron.encode(format.decode(Rows.parse(line))))));
        assertThat(back.messages()).as(s.uuid()).isEqualTo(s.messages());
        assertThat(back.reasoning()).as(s.uuid()).isEqualTo(s.reasoning());
      }
    }
    assertThat(n).isGreaterThan(100);
    assertThat(withSystem).isPositive();
  }

  @Test
  void reasoningComesFromTheSystemPromptWhenTheFieldIsMissing() throws Exception {
    assertThat(format.decode(fixture().get(2)).reasoning()).isEqualTo("off");
  }

  @Test
  void rowsWithReasoningRoundTripThroughNemotron() throws Exception {
    for (Map<String, Object> row : fixture().subList(0, 2)) {
      assertThat(Rows.viaNemotron(format, row)).isEqualTo(row);
    }
  }

  @Test
  void encodingDerivesTheSystemPromptFromReasoningWhenThereIsNone() {
    Sample s = Sample.builder().reasoning("on").messages(List.of(Message.of("user", "q"),
        Message.of("assistant", "<think>t</think>a"))).build();
    Map<String, Object> row = format.encode(s);
    assertThat(row).containsEntry("system_prompt", "detailed thinking on")
        .containsEntry("output", "<think>t</think>a")
        .containsEntry("input", List.of(Map.of("role", "user", "content", "q")));
  }

  @Test
  void toolCallsCannotBeExpressed() {
    Sample s = Sample.builder().messages(List.of(Message.of("user", "q"),
        new Message("assistant", "", List.of(ToolCall.of("c", "f", "{}")), null))).build();
    assertThatThrownBy(() -> format.encode(s)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("tool calls");
  }
}
