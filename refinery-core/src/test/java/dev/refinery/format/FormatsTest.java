package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import dev.refinery.io.Inputs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatsTest {

  @ParameterizedTest
  @CsvSource({
      "llamafactory-demo/identity.json, alpaca",
      "axolotl-fixtures/alpaca.json, alpaca",
      "llamafactory-demo/glaive_toolcall_zh_demo.json, sharegpt",
      "llamafactory-demo/reason_tool_use_demo_50.jsonl, openai",
      "llamafactory-demo/v1_sft_demo.jsonl, openai",
      "nemo-skills-samples/small_sft_messages_5.jsonl, openai",
      // input (a string prompt) + output: the Llama-Nemotron layout, read as one user turn.
      "nemo-skills-samples/code_sft_10.jsonl, llama-nemotron"})
  void detectsRealFilesByTheirKeys(String file, String format) {
    Path path = TestData.path(file);
    assertThat(Formats.detect(Inputs.resolve(path.toString()).get(0)).name()).isEqualTo(format);
  }

  @Test
  void detectsLlamaNemotronAndNemotronAndSkipsABadFirstLine(@TempDir Path dir) throws Exception {
    Path ln = dir.resolve("ln.jsonl");
    Files.writeString(ln, "not json\n{\"input\": [], \"output\": \"x\", \"system_prompt\": "
        + "\"detailed thinking off\"}\n");
    assertThat(Formats.detect(Inputs.resolve(ln.toString()).get(0)).name())
        .isEqualTo("llama-nemotron");
    Path nemotron = dir.resolve("n.jsonl");
    Files.writeString(nemotron, "{\"messages\": [], \"reasoning\": \"on\"}\n");
    assertThat(Formats.detect(Inputs.resolve(nemotron.toString()).get(0)).name())
        .isEqualTo("nemotron");
    Path empty = dir.resolve("e.jsonl");
    Files.writeString(empty, "");
    assertThat(Formats.detect(Inputs.resolve(empty.toString()).get(0)).name())
        .isEqualTo("nemotron");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "nemo-skills-samples/openmathinstruct2_100.jsonl | problem, generated_solution, "
          + "expected_answer, problem_source",
      "llamafactory-demo/c4_demo.jsonl | text"})
  void aFileNoRuleFitsIsAOneLineErrorNamingItsKeys(String file, String keys) {
    Path path = TestData.path(file);
    assertThatThrownBy(() -> Formats.detect(Inputs.resolve(path.toString()).get(0)))
        .isInstanceOf(RefineryException.class)
        .hasMessage(path + ": cannot tell the record format from the first record (keys: "
            + keys + "); give --from/--format, and --columns if the names differ");
  }

  @Test
  void unknownNameListsTheValidOnes() {
    assertThatThrownBy(() -> Formats.byName("chatml")).isInstanceOf(RefineryException.class)
        .hasMessage("unknown format 'chatml'; valid formats: nemotron, openai, sharegpt, alpaca, "
            + "llama-nemotron, prompt");
  }
}
