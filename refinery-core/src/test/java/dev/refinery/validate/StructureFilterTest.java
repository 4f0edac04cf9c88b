package dev.refinery.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.Plant;
import dev.refinery.demo.SampleData;
import dev.refinery.filter.Verdict;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StructureFilterTest {
  @TempDir Path dir;

  private final StructureFilter filter = new StructureFilter(true);

  private static final String TOOLS = "{\"tools\":[{\"type\":\"function\",\"function\":{"
      + "\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{"
      + "\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},"
      + "\"unit\":{\"type\":\"string\",\"enum\":[\"c\",\"f\"]}},\"required\":[\"city\"]}}}]}";

  private static Sample toolRow(String arguments) {
    return Sample.builder().uuid("t").reasoning("off").category("tool_calling").metadata(TOOLS)
        .messages(List.of(Message.of("user", "Weather in Paris?"),
            new Message("assistant", "", List.of(ToolCall.of("call_1", "get_weather",
                arguments)), null),
            Message.of("tool", "{\"temp\": 20}"),
            Message.of("assistant", "It is 20 degrees.")))
        .build();
  }

  @Test
  void toolArgumentsMustFitTheToolsParameters() {
    assertThat(filter.apply(toolRow("{\"city\":\"Paris\",\"days\":3}")).kept()).isTrue();
    assertThat(filter.apply(toolRow("{\"days\":3}")))
        .isEqualTo(Verdict.drop("tool_arguments_schema"));
    assertThat(filter.apply(toolRow("{\"city\":\"Paris\",\"days\":\"three\"}")))
        .isEqualTo(Verdict.drop("tool_arguments_schema"));
    assertThat(filter.apply(toolRow("{\"city\":\"Paris\",\"unit\":\"k\"}")))
        .isEqualTo(Verdict.drop("tool_arguments_schema"));
    assertThat(filter.apply(toolRow("{\"city\": ")))
        .isEqualTo(Verdict.drop("tool_arguments_not_json"));
    assertThat(ToolArgumentSchema.problem("{\"days\":3}", Map.of("required", List.of("city"))))
        .isEqualTo("required argument 'city' missing");
  }

  @Test
  void scoresEveryCheckSoScoreOnlyRunsCanTuneLater() {
    var scores = filter.score(toolRow("{\"city\":\"Paris\"}"));
    assertThat(scores.values()).containsKeys("schema", "empty_turn", "roles_out_of_order",
        "self_identification", "tool_arguments_schema");
    assertThat(scores.values().values()).allMatch(v -> v == 0.0);
  }

  @Test
  void dropsEveryPlantedPerSampleDefectOfTheSampleData() throws Exception {
    SampleData.Summary data = SampleData.write(dir,
        SampleData.Spec.of(1000, 3).withFileKind(FileKind.JSONL));
    Map<String, Long> reasons = new TreeMap<>();
    long dropped = 0;
    try (SampleReader r = SampleReader.open(Inputs.resolve(dir.toString()), Formats.nemotron(),
        RejectHandler.FAIL)) {
      while (r.hasNext()) {
        Verdict v = filter.apply(r.next());
        if (!v.kept()) {
          dropped++;
          reasons.merge(v.dropReason(), 1L, Long::sum);
        }
      }
    }
    // Duplicate uuids need every partition: a dedup step's job, not a per-sample filter's.
    long expected = data.defects() - data.planted().get(Plant.DUPLICATE_UUID);
    assertThat(dropped).as("drops by reason: %s", reasons).isEqualTo(expected);
    assertThat(reasons).containsKeys("empty_turn", "roles_out_of_order", "math_without_boxed",
        "unknown_tool", "self_identification");
  }
}
