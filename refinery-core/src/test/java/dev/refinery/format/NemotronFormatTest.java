package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.internal.Json;
import dev.refinery.sample.Sample;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NemotronFormatTest {
  private final Format format = Formats.nemotron();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> row(String json) throws Exception {
    return (Map<String, Object>) Json.parse(json);
  }

  @Test
  void decodesAToolCallingRowAndKeepsUnknownFieldsOnTheWayBack() throws Exception {
    String json = "{\"uuid\":\"u1\",\"license\":\"CC BY 4.0\",\"generator\":\"Qwen3-235B-A22B\","
        + "\"version\":\"v1\",\"category\":\"tool_calling\",\"reasoning\":\"off\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\",\"tool_calls\":null},"
        + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_1\","
        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
        + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}],\"weight\":1.5}],"
        + "\"metadata\":\"{\\\"tools\\\":[]}\",\"source\":{\"x\":[1,2]}}";
    Sample s = format.decode(row(json));
    assertThat(s.messages()).hasSize(2);
    assertThat(s.messages().get(0).toolCalls()).isNull();
    assertThat(s.messages().get(1).toolCalls().get(0).name()).isEqualTo("get_weather");
    assertThat(s.messages().get(1).toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(s.messages().get(1).extra()).containsEntry("weight", 1.5);
    assertThat(s.extra()).containsKey("source");
    assertThat(Json.write(format.encode(s))).isEqualTo(json);
  }

  @Test
  void schemaBreaksNameTheField() {
    assertThatThrownBy(() -> format.decode(row("{\"uuid\":\"u\"}")))
        .isInstanceOf(SchemaException.class).hasMessage("messages is missing");
    assertThatThrownBy(() -> format.decode(row("{\"messages\":\"hi\"}")))
        .hasMessage("messages is a string, expected a list");
    assertThatThrownBy(() -> format.decode(row("{\"messages\":[{\"content\":\"hi\"}]}")))
        .hasMessage("messages[0] has no role");
    assertThatThrownBy(() -> format.decode(row("{\"messages\":[{\"role\":\"user\",\"content\":3}]}")))
        .hasMessage("messages[0].content is a number, expected a string");
  }

  @Test
  void metadataGivenAsAnObjectIsKeptAsItsJsonText() throws Exception {
    Sample s = format.decode(row("{\"messages\":[],\"metadata\":{\"tools\":[]}}"));
    assertThat(s.metadata()).isEqualTo("{\"tools\":[]}");
  }
}
