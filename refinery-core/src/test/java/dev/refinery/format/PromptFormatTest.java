package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.internal.Json;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolDefinitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptFormatTest {
  private final Format format = Formats.byName("prompt");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> row(String json) {
    return (Map<String, Object>) Json.parseOrNull(json);
  }

  @Test
  void aBarePromptIsDetectedAndBecomesOneUserTurn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prompts.jsonl");
    Files.writeString(file, "{\"prompt\": \"What is 2+2?\"}\n");
    assertThat(Formats.detect(Inputs.resolve(file.toString()).get(0)).name()).isEqualTo("prompt");

    Sample s = format.decode(row("{\"prompt\": \"What is 2+2?\"}"));
    assertThat(s.messages()).containsExactly(Message.of("user", "What is 2+2?"));
    assertThat(s.uuid()).isNull();
  }

  @Test
  void systemToolsNemotronFieldsAndUnknownKeysAreKept() {
    Sample s = format.decode(row("{\"prompt\": \"Weather in Oslo?\", \"system\": \"Be brief.\", "
        + "\"uuid\": \"u1\", \"category\": \"chat\", \"tools\": [{\"name\": \"get_weather\", "
        + "\"parameters\": {}}], \"answer\": \"sunny\"}"));
    assertThat(s.messages()).containsExactly(Message.of("system", "Be brief."),
        Message.of("user", "Weather in Oslo?"));
    assertThat(s.uuid()).isEqualTo("u1");
    assertThat(s.category()).isEqualTo("chat");
    assertThat(ToolDefinitions.tools(s.metadata())).hasSize(1);
    assertThat(s.extra()).containsEntry("answer", "sunny");

    Map<String, Object> back = format.encode(s);
    assertThat(back).containsEntry("prompt", "Weather in Oslo?").containsEntry("system",
        "Be brief.").containsEntry("uuid", "u1").containsEntry("answer", "sunny");
    assertThat(format.decode(back)).isEqualTo(s);
  }

  @Test
  void aMissingOrNonTextPromptAndAConversationAreSchemaErrors() {
    assertThatThrownBy(() -> format.decode(row("{\"prompt\": 3}")))
        .isInstanceOf(SchemaException.class).hasMessage("prompt is a number, expected a string");
    Sample chat = Sample.builder().messages(List.of(Message.of("user", "hi"),
        Message.of("assistant", "hello"))).build();
    assertThatThrownBy(() -> format.encode(chat)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("one user turn");
  }
}
