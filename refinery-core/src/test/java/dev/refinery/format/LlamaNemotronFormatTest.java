package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/**
 * A hand-written fixture in the nvidia/Llama-Nemotron-Post-Training-Dataset layout (the dataset
 * itself is not in shared/data).
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
    assertThat(first.messages()).containsExactly(
        Message.of("system", "detailed thinking on"),
        Message.of("user", "What is 7 * 6?"),
        Message.of("assistant", "<think>\nSeven times six is forty-two.\n</think>\n\n7 * 6 = 42."));
    assertThat(first.reasoning()).isEqualTo("on");
    assertThat(first.category()).isEqualTo("math");
    assertThat(first.generator()).isEqualTo("DeepSeek-R1");
    assertThat(first.extra()).containsExactly(Map.entry("used_in_training", "yes"));

    Sample multiTurn = format.decode(rows.get(1));
    assertThat(multiTurn.messages()).extracting(Message::role)
        .containsExactly("system", "user", "assistant", "user", "assistant");
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
