package dev.refinery.cli;

import dev.refinery.TestData;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import dev.refinery.pipeline.PipelineSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
  private static final String GOOD_OPENAI = "{\"messages\": [{\"role\": \"user\", \"content\": "
      + "\"2+2?\"}, {\"role\": \"assistant\", \"content\": \"4\"}]}";

  @TempDir
  Path dir;



  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> jsonl(Path file) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      rows.add((Map<String, Object>) Json.parse(line));
    }
    return rows;
  }

  @Test
  void theSameBytesForAnyWorkersAndPartitionsWithStatsBesideTheFile() throws Exception {
    Path in = TestData.file("nemo-skills-samples/openmathinstruct2_100.jsonl");
    Path one = dir.resolve("one.parquet");
    Cli first = Cli.run("convert", "--from", "alpaca", "--columns",
        "instruction=problem,output=generated_solution", "--to", "openai", in.toString(),
        one.toString(), "--workers", "1");
    assertThat(first.status()).as(first.err()).isZero();
    Path three = dir.resolve("three.parquet");
    String before = System.getProperty(PipelineSpec.PARTITION_SIZE_PROPERTY);
    System.setProperty(PipelineSpec.PARTITION_SIZE_PROPERTY, "2048");
    try {
      Cli second = Cli.run("convert", "--from", "alpaca", "--columns",
          "instruction=problem,output=generated_solution", "--to", "openai", in.toString(),
          three.toString(), "--workers", "3");
      assertThat(second.status()).as(second.err()).isZero();
    } finally {
      if (before == null) {
        System.clearProperty(PipelineSpec.PARTITION_SIZE_PROPERTY);
      } else {
        System.setProperty(PipelineSpec.PARTITION_SIZE_PROPERTY, before);
      }
    }
    assertThat(Files.readAllBytes(three)).isEqualTo(Files.readAllBytes(one));
    // The run's stats and log stay in a hidden folder beside the file, its work folder gone.
    Path run = dir.resolve(".three.parquet.refinery");
    assertThat(Files.readString(run.resolve("stats.json"))).contains("\"read\":100");
    assertThat(run.resolve(".work")).doesNotExist();
    // A resume of the finished run does nothing; a new run overwrites the file as before.
    Cli again = Cli.run("convert", "--from", "alpaca", "--columns",
        "instruction=problem,output=generated_solution", "--to", "openai", in.toString(),
        three.toString(), "--resume");
    assertThat(again.status()).as(again.err()).isZero();
    Cli over = Cli.run("convert", "--from", "alpaca", "--columns",
        "instruction=problem,output=generated_solution", "--to", "openai", in.toString(),
        three.toString());
    assertThat(over.status()).as(over.err()).isZero();
    assertThat(Files.readAllBytes(three)).isEqualTo(Files.readAllBytes(one));
  }

  @Test
  void toColumnsWritesTheOutputUnderOtherNames() throws Exception {
    Path in = TestData.file("nemo-skills-samples/openmathinstruct2_100.jsonl");
    Path nemotron = dir.resolve("omi.nemotron.jsonl");
    Cli read = Cli.run("convert", "--from", "alpaca", "--columns",
        "instruction=problem,output=generated_solution", "--to", "nemotron", in.toString(),
        nemotron.toString());
    assertThat(read.status()).as(read.err()).isZero();
    Path back = dir.resolve("omi.alpaca.jsonl");
    Cli write = Cli.run("convert", "--to", "alpaca", "--to-columns",
        "instruction=problem,output=generated_solution", nemotron.toString(), back.toString());
    assertThat(write.status()).as(write.err()).isZero();
    assertThat(write.out()).startsWith("read 100, written 100, rejected 0 (nemotron -> alpaca;");

    List<Map<String, Object>> original = jsonl(in);
    List<Map<String, Object>> rows = jsonl(back);
    assertThat(rows).hasSize(original.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i)).doesNotContainKeys("instruction", "output")
          .containsEntry("problem", original.get(i).get("problem"))
          .containsEntry("generated_solution", original.get(i).get("generated_solution"))
          .containsEntry("expected_answer", original.get(i).get("expected_answer"));
    }
  }

  @Test
  void aFileAutoDetectionCannotReadStopsWithOneLineAndWritesNothing() {
    Path in = TestData.file("nemo-skills-samples/openmathinstruct2_100.jsonl");
    Path out = dir.resolve("out.jsonl");
    Cli cli = Cli.run("convert", "--to", "nemotron", in.toString(), out.toString());
    assertThat(cli.status()).isEqualTo(1);
    assertThat(cli.err()).isEqualTo("error: " + in + ": cannot tell the record format from the "
        + "first record (keys: problem, generated_solution, expected_answer, problem_source); "
        + "give --from/--format, and --columns if the names differ" + System.lineSeparator());
    assertThat(out).doesNotExist();

    Cli validate = Cli.run("validate", TestData.file("llamafactory-demo/c4_demo.jsonl")
        .toString());
    assertThat(validate.status()).isEqualTo(1);
    assertThat(validate.err()).contains("cannot tell the record format from the first record "
        + "(keys: text)").doesNotContain("messages is missing");
  }

  @Test
  void columnsHelpSaysItIsForTheInput() {
    Cli cli = Cli.run("convert", "--help");
    assertThat(cli.out()).contains("--columns=MAP", "For the input", "--to-columns=MAP",
        "For the output");
  }

  @Test
  void glaiveShareGptToNemotronKeepsToolCallsAndTools() throws Exception {
    Path out = dir.resolve("glaive.jsonl");
    Cli cli = Cli.run("convert", "--to", "nemotron",
        TestData.file("llamafactory-demo/glaive_toolcall_en_demo.json").toString(), out.toString());
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).startsWith("read 300, written 300, rejected 0 (sharegpt -> nemotron;");

    List<Map<String, Object>> rows = jsonl(out);
    assertThat(rows).hasSize(300);
    Map<String, Object> first = rows.get(0);
    assertThat(UUID.fromString((String) first.get("uuid")).version()).isEqualTo(5);
    List<?> messages = (List<?>) first.get("messages");
    Map<?, ?> call = (Map<?, ?>) ((List<?>) ((Map<?, ?>) messages.get(3)).get("tool_calls")).get(0);
    assertThat(call.get("id")).isEqualTo("call_0");
    assertThat(call.get("function")).isEqualTo(Map.of("name", "search_recipes",
        "arguments", "{\"ingredients\": [\"chicken\", \"bell peppers\", \"rice\"]}"));
    Map<?, ?> metadata = (Map<?, ?>) Json.parse((String) first.get("metadata"));
    assertThat(((Map<?, ?>) ((List<?>) metadata.get("tools")).get(0)).get("name"))
        .isEqualTo("search_recipes");
    // The demo file repeats some conversations verbatim (265 distinct rows of 300): content ids
    // give exact duplicates the same uuid and everything else its own.
    assertThat(rows.stream().map(r -> r.get("uuid")).distinct().count()).isEqualTo(265);
  }

  @Test
  void sameInputGivesByteIdenticalOutput() throws Exception {
    Path in = TestData.file("llamafactory-demo/reason_tool_use_demo_50.jsonl");
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    assertThat(Cli.run("convert", "--to", "nemotron", in.toString(), a.toString()).status())
        .isZero();
    assertThat(Cli.run("convert", "--from", "openai", "--to", "nemotron", in.toString(),
        b.toString()).status()).isZero();
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b)).isNotEmpty();
  }

  @Test
  void badLineWithoutRejectsStopsWithFileAndLineAndLeavesNoOutput() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, GOOD_OPENAI + "\n{\"messages\": [oops\n" + GOOD_OPENAI + "\n");
    Path out = dir.resolve("out.jsonl");
    Cli cli = Cli.run("convert", "--from", "openai", "--to", "nemotron", in.toString(),
        out.toString());
    assertThat(cli.status()).isEqualTo(1);
    assertThat(cli.err()).startsWith("error: " + in + ":2: invalid JSON")
        .contains("--rejects").hasLineCount(1);
    assertThat(out).doesNotExist();
  }

  @Test
  void badLineWithRejectsIsSetAsideAndCountsAddUp() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, GOOD_OPENAI + "\n{\"messages\": [oops\n{\"messages\": 3}\n"
        + GOOD_OPENAI + "\n");
    Path out = dir.resolve("out.jsonl");
    Path rejects = dir.resolve("rejects.jsonl");
    Cli cli = Cli.run("convert", "--from", "openai", "--to", "nemotron", in.toString(),
        out.toString(), "--rejects", rejects.toString());
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).startsWith("read 4, written 2, rejected 2").contains(rejects.toString());
    assertThat(jsonl(out)).hasSize(2);
    List<Map<String, Object>> bad = jsonl(rejects);
    assertThat(bad).hasSize(2);
    assertThat(bad.get(0)).containsEntry("file", in.toString()).containsEntry("line", 2L)
        .containsEntry("raw", "{\"messages\": [oops");
    assertThat((String) bad.get(0).get("reason")).startsWith("invalid JSON");
    assertThat(bad.get(1)).containsEntry("line", 3L)
        .containsEntry("reason", "messages is a number, expected a list");
  }

  @Test
  void alpacaTargetRejectsWhatItCannotExpress() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, GOOD_OPENAI + "\n"
        + "{\"messages\": [{\"role\": \"user\", \"content\": \"weather?\"}, {\"role\": "
        + "\"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"type\": "
        + "\"function\", \"function\": {\"name\": \"w\", \"arguments\": \"{}\"}}]}]}\n");
    Path out = dir.resolve("out.jsonl");
    Path rejects = dir.resolve("rejects.jsonl");
    Cli cli = Cli.run("convert", "--to", "alpaca", in.toString(), out.toString(),
        "--rejects", rejects.toString());
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).startsWith("read 2, written 1, rejected 1 (openai -> alpaca;");
    Map<String, Object> written = jsonl(out).get(0);
    assertThat(written).containsEntry("instruction", "2+2?").containsEntry("output", "4");
    Map<String, Object> rejected = jsonl(rejects).get(0);
    assertThat(rejected).containsEntry("line", 2L).containsEntry("reason",
        "cannot write as alpaca: messages[1] has tool calls, which Alpaca cannot express");
    assertThat((String) rejected.get("raw")).contains("\"tool_calls\"");

    // Without --rejects the same record stops the run, naming where it came from.
    Cli failing = Cli.run("convert", "--to", "alpaca", in.toString(),
        dir.resolve("out2.jsonl").toString());
    assertThat(failing.status()).isEqualTo(1);
    assertThat(failing.err()).startsWith("error: " + in + ":2: cannot write as alpaca: "
        + "messages[1] has tool calls");
  }

  @Test
  void unknownTargetFormatIsAUserError() {
    Cli cli = Cli.run("convert", "--to", "chatml", "x.jsonl", "y.jsonl");
    assertThat(cli.status()).isEqualTo(1);
    assertThat(cli.err()).contains("unknown format 'chatml'");
  }

  /** A Nemotron v1 tool row as Hugging Face holds it: tool_calls on every message, no ids. */
  private static final String NEMOTRON_TOOL_ROW = "{\"uuid\":\"u1\",\"category\":\"tool_calling\","
      + "\"reasoning\":\"off\",\"messages\":["
      + "{\"role\":\"system\",\"content\":\"sys\",\"tool_calls\":[]},"
      + "{\"role\":\"user\",\"content\":\"weather in Paris and Rome?\",\"tool_calls\":[]},"
      + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
      + "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}},"
      + "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"arguments\":\"{\\\"city\\\": \\\"Rome\\\"}\"}}]},"
      + "{\"role\":\"tool\",\"content\":\"{\\\"t\\\": 15}\",\"tool_calls\":[]},"
      + "{\"role\":\"tool\",\"content\":\"{\\\"t\\\": 20}\",\"tool_calls\":[]},"
      + "{\"role\":\"assistant\",\"content\":\"Paris 15, Rome 20.\",\"tool_calls\":[]}],"
      + "\"metadata\":\"{\\\"tools\\\": [{\\\"type\\\": \\\"function\\\", "
      + "\\\"function\\\": {\\\"name\\\": \\\"get_weather\\\", "
      + "\\\"parameters\\\": {\\\"type\\\": \\\"object\\\"}}}]}\"}";

  @Test
  @SuppressWarnings("unchecked")
  void nemotronToolRowsBecomeValidOpenAiMessages() throws Exception {
    Path in = dir.resolve("nemotron.jsonl");
    Files.writeString(in, NEMOTRON_TOOL_ROW + "\n");
    Path out = dir.resolve("openai.jsonl");
    Cli r = Cli.run("convert", "--to", "openai", in.toString(), out.toString());
    assertThat(r.status()).as(r.err()).isZero();
    Map<String, Object> row = jsonl(out).get(0);
    List<Map<String, Object>> messages = (List<Map<String, Object>>) row.get("messages");
    assertThat(messages).extracting(m -> m.get("role"))
        .containsExactly("system", "user", "assistant", "tool", "tool", "assistant");
    // No empty tool_calls lists: OpenAI refuses them.
    for (int i : new int[] {0, 1, 3, 4, 5}) {
      assertThat(messages.get(i)).doesNotContainKey("tool_calls");
    }
    List<Map<String, Object>> calls =
        (List<Map<String, Object>>) messages.get(2).get("tool_calls");
    assertThat(calls).extracting(c -> c.get("id")).containsExactly("call_0", "call_1");
    assertThat(calls).extracting(c -> c.get("type")).containsOnly("function");
    Map<String, Object> fn = (Map<String, Object>) calls.get(1).get("function");
    assertThat(fn).containsEntry("name", "get_weather")
        .containsEntry("arguments", "{\"city\": \"Rome\"}");
    assertThat(messages.get(3)).containsEntry("tool_call_id", "call_0")
        .containsEntry("content", "{\"t\": 15}");
    assertThat(messages.get(4)).containsEntry("tool_call_id", "call_1");
    List<Map<String, Object>> tools = (List<Map<String, Object>>) row.get("tools");
    assertThat(tools).hasSize(1);
    assertThat((Map<String, Object>) tools.get(0).get("function"))
        .containsEntry("name", "get_weather");
    assertThat(row).containsEntry("uuid", "u1").doesNotContainKey("metadata");
  }

  @Test
  @SuppressWarnings("unchecked")
  void glaiveToOpenAiWritesToolsInOpenAiShapeAndCallTurnsWithEmptyContent() throws Exception {
    Path out = dir.resolve("glaive-openai.jsonl");
    Cli r = Cli.run("convert", "--to", "openai",
        TestData.file("llamafactory-demo/glaive_toolcall_en_demo.json").toString(),
        out.toString());
    assertThat(r.status()).as(r.err()).isZero();
    Map<String, Object> first = jsonl(out).get(0);
    // glaive's bare {"name", "description", "parameters"} become what the API and TRL expect.
    Map<String, Object> tool = ((List<Map<String, Object>>) first.get("tools")).get(0);
    assertThat(tool).containsOnlyKeys("type", "function").containsEntry("type", "function");
    assertThat((Map<String, Object>) tool.get("function")).containsEntry("name", "search_recipes")
        .containsKeys("description", "parameters");
    List<Map<String, Object>> messages = (List<Map<String, Object>>) first.get("messages");
    assertThat(messages.get(3)).containsEntry("content", "").containsKey("tool_calls");
    assertThat(messages.get(4)).containsEntry("tool_call_id", "call_0");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aJsonArrayFileIsWrittenAsItIsReadAndBackAgain() throws Exception {
    Path glaive = TestData.file("llamafactory-demo/glaive_toolcall_en_demo.json");
    Path out = dir.resolve("glaive-copy.json");
    Cli r = Cli.run("convert", "--from", "sharegpt", "--to", "sharegpt", glaive.toString(),
        out.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("read 300, written 300, rejected 0");
    assertThat(Files.readString(out)).startsWith("[\n{\"conversations\":").endsWith("}\n]\n");
    // The same records as the original array (its turns, tools strings and order), plus the
    // content uuid convert gives every row.
    List<Map<String, Object>> written = new ArrayList<>();
    for (Object o : (List<Object>) Json.parse(Files.readString(out))) {
      Map<String, Object> row = new java.util.LinkedHashMap<>((Map<String, Object>) o);
      assertThat(row.remove("uuid")).isNotNull();
      written.add(row);
    }
    assertThat(written).isEqualTo(Json.parse(Files.readString(glaive)));
    Path again = dir.resolve("again.jsonl");
    assertThat(Cli.run("convert", "--to", "nemotron", out.toString(), again.toString()).out())
        .startsWith("read 300, written 300, rejected 0 (sharegpt -> nemotron;");
  }

  @Test
  void emptyMetadataObjectStaysTheStringItWas() throws Exception {
    Path in = dir.resolve("m.jsonl");
    Files.writeString(in, "{\"uuid\": \"x\", \"messages\": [{\"role\": \"user\", "
        + "\"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}], "
        + "\"metadata\": \"{}\"}\n");
    for (String to : List.of("openai", "nemotron", "sharegpt", "alpaca")) {
      Path out = dir.resolve("m-" + to + ".jsonl");
      Cli r = Cli.run("convert", "--from", "openai", "--to", to, in.toString(), out.toString());
      assertThat(r.status()).as(r.err()).isZero();
      assertThat(jsonl(out).get(0)).as(to).containsEntry("metadata", "{}");
    }
  }
}
