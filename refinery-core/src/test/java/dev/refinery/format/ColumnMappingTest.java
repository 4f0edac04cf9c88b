package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.Json;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnMappingTest {
  private static final String OPEN_MATH = "instruction=problem,output=generated_solution";

  @Test
  @SuppressWarnings("unchecked")
  void openMathInstructRowsReadAsAlpacaAndWriteBackUnchanged() throws Exception {
    Path file = TestData.file("nemo-skills-samples/openmathinstruct2_100.jsonl");
    Format format = Formats.withColumns(Formats.byName("alpaca"), OPEN_MATH);
    List<Sample> samples = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(file.toString()), format,
        RejectHandler.FAIL)) {
      r.forEachRemaining(samples::add);
    }
    assertThat(samples).hasSize(100);
    List<String> lines = Files.readAllLines(file);
    Map<String, Object> first = (Map<String, Object>) Json.parse(lines.get(0));
    Sample s = samples.get(0);
    assertThat(s.firstUserPrompt()).isEqualTo(first.get("problem"));
    assertThat(s.finalAssistant().content()).isEqualTo(first.get("generated_solution"))
        .contains("\\boxed{2}");
    assertThat(s.extra()).containsEntry("expected_answer", "2")
        .containsEntry("problem_source", "augmented_math");

    Map<String, Object> back = format.encode(s);
    assertThat(back).containsEntry("problem", first.get("problem"))
        .containsEntry("generated_solution", first.get("generated_solution"))
        .containsEntry("expected_answer", "2")
        .doesNotContainKeys("instruction", "output");
  }

  @Test
  void badMappingsAndClashesAreClearErrors() throws Exception {
    assertThatThrownBy(() -> Formats.withColumns(Formats.byName("alpaca"), "instruction"))
        .isInstanceOf(RefineryException.class).hasMessageContaining("'instruction' is not");
    assertThatThrownBy(() -> Formats.withColumns(Formats.byName("alpaca"), "a=x,b=x"))
        .hasMessageContaining("mapped twice");
    Format format = Formats.withColumns(Formats.byName("alpaca"), OPEN_MATH);
    @SuppressWarnings("unchecked")
    Map<String, Object> row = (Map<String, Object>) Json.parse(
        "{\"instruction\":\"a\",\"problem\":\"b\",\"generated_solution\":\"c\"}");
    assertThatThrownBy(() -> format.decode(row)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("column 'instruction'");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aColumnCanBeMappedIntoAMetadataFieldAndBackOut() throws Exception {
    Path file = TestData.file("nemo-skills-samples/openmathinstruct2_100.jsonl");
    Format format = Formats.withColumns(Formats.byName("alpaca"),
        OPEN_MATH + ",metadata.answer=expected_answer");
    Map<String, Object> row = (Map<String, Object>) Json.parse(Files.readAllLines(file).get(0));
    Sample s = format.decode(row);
    assertThat(s.metadata()).isEqualTo("{\"answer\":\"2\"}");
    assertThat(s.extra()).doesNotContainKey("expected_answer");
    assertThat(dev.refinery.sample.Columns.text(s, "metadata.answer")).isEqualTo("2");
    // Written back, the field is the column it came from and no metadata is left behind: the
    // same record as without the mapping.
    Format plain = Formats.withColumns(Formats.byName("alpaca"), OPEN_MATH);
    assertThat(format.encode(s)).containsEntry("expected_answer", "2")
        .doesNotContainKey("metadata").isEqualTo(plain.encode(plain.decode(row)));
  }
}
