package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileKind;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatCommandTest {
  private static final String CHAT = "{\"uuid\": \"a\", \"category\": \"chat\", \"reasoning\": "
      + "\"on\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": "
      + "\"assistant\", \"content\": \"<think>\\nhmm\\n</think>\\n\\nHello!\"}], \"metadata\": \"\"}";
  private static final String OFF = "{\"uuid\": \"b\", \"category\": \"chat\", \"reasoning\": "
      + "\"off\", \"messages\": [{\"role\": \"user\", \"content\": \"Yo\"}, {\"role\": "
      + "\"assistant\", \"content\": \"<think>\\nx\\n</think>\\n\\nHey\"}], \"metadata\": \"\"}";
  private static final String TOOL = "{\"uuid\": \"t\", \"category\": \"tool_calling\", "
      + "\"reasoning\": \"off\", \"messages\": [{\"role\": \"user\", \"content\": \"w?\"}, "
      + "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": \"c\", \"type\": "
      + "\"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]}], "
      + "\"metadata\": \"\"}";

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

  @SuppressWarnings("unchecked")
  private static Sample sample(String json) throws Exception {
    return Formats.nemotron().decode((Map<String, Object>) Json.parse(json));
  }

  private Path input(String... lines) throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.write(in, List.of(lines));
    return in;
  }

  @Test
  void writesUuidAndTextPerSample() throws Exception {
    Path in = input(CHAT, OFF);
    Path out = dir.resolve("out.jsonl");
    Cli r = Cli.run("format", in.toString(), out.toString(), "--template", "chatml",
        "--reasoning", "on-only", "--add-generation-prompt");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("read 2, written 2, rejected 0 (template chatml;");
    List<Map<String, Object>> rows = jsonl(out);
    assertThat(rows).containsExactly(
        Map.of("uuid", "a", "text", "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
            + "<think>\nhmm\n</think>\n\nHello!<|im_end|>\n<|im_start|>assistant\n"),
        Map.of("uuid", "b", "text", "<|im_start|>user\nYo<|im_end|>\n<|im_start|>assistant\n"
            + "Hey<|im_end|>\n<|im_start|>assistant\n"));
  }

  @Test
  void unrenderableSamplesAreCountedAndSetAside() throws Exception {
    Path in = input(CHAT, TOOL, OFF);
    Path out = dir.resolve("out.jsonl");
    Path rejects = dir.resolve("rejects.jsonl");
    Cli r = Cli.run("format", in.toString(), out.toString(), "--template", "llama3",
        "--rejects", rejects.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("read 3, written 2, rejected 1 (template llama3;");
    assertThat(r.err()).contains("sample t").contains("built-in templates cannot write");
    assertThat(jsonl(out)).extracting(m -> m.get("uuid")).containsExactly("a", "b");
    List<Map<String, Object>> bad = jsonl(rejects);
    assertThat(bad).hasSize(1);
    assertThat((String) bad.get(0).get("reason")).contains("sample t");
    // The raw record is the row the template got, in Nemotron JSON (explicit nulls included).
    assertThat(sample((String) bad.get(0).get("raw"))).isEqualTo(sample(TOOL));

    // Without --rejects the run goes on all the same.
    Cli again = Cli.run("format", in.toString(), out.toString(), "--template", "llama3");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).startsWith("read 3, written 2, rejected 1");
  }

  @Test
  void rendersAJinjaTemplateFileIncludingToolCalls() throws Exception {
    Path in = input(TOOL, CHAT);
    Path out = dir.resolve("out.jsonl");
    Path template = dir.resolve("mine.jinja");
    Files.writeString(template, "{% for m in messages %}{{ m.role }}:{{ m.content }}"
        + "{% for c in m.tool_calls or [] %}[{{ c.function.name }} "
        + "{{ c.function.arguments | tojson }}]{% endfor %}|{% endfor %}"
        + "{% if tools %}{{ raise_exception('no tools expected') }}{% endif %}");
    Cli r = Cli.run("format", in.toString(), out.toString(), "--template", template.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("read 2, written 2, rejected 0 (template mine.jinja;");
    assertThat(jsonl(out)).containsExactly(
        Map.of("uuid", "t", "text", "user:w?|assistant:[f {}]|"),
        Map.of("uuid", "a", "text", "user:Hi|assistant:<think>\nhmm\n</think>\n\nHello!|"));
  }

  @Test
  void toolDefinitionsAreRenderedUnlessNoToolsAndNeverDroppedSilently() throws Exception {
    String withTools = "{\"uuid\": \"w\", \"category\": \"tool_calling\", \"reasoning\": "
        + "\"off\", \"messages\": [{\"role\": \"user\", \"content\": \"Weather in Oslo?\"}, "
        + "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": \"c1\", "
        + "\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": "
        + "\"{\\\"city\\\": \\\"Oslo\\\"}\"}}]}, {\"role\": \"tool\", \"content\": \"-3 C\"}, "
        + "{\"role\": \"assistant\", \"content\": \"It is -3 C in Oslo.\"}], \"metadata\": "
        + "\"{\\\"tools\\\": [{\\\"name\\\": \\\"get_weather\\\", \\\"description\\\": "
        + "\\\"Current weather\\\", \\\"parameters\\\": {\\\"type\\\": \\\"object\\\", "
        + "\\\"properties\\\": {\\\"city\\\": {\\\"type\\\": \\\"string\\\"}}}}]}\"}";
    Path in = input(withTools, CHAT);
    String qwen3 = dev.refinery.TestData.file("tokenizers/qwen3").toString();
    Cli without = Cli.run("format", in.toString(), dir.resolve("a.jsonl").toString(),
        "--template", qwen3, "--no-tools");
    assertThat(without.status()).as(without.err()).isZero();
    assertThat(without.out()).startsWith("read 2, written 1, rejected 1");
    assertThat(without.err()).contains("sample w").contains("--no-tools");
    Cli with = Cli.run("format", in.toString(), dir.resolve("b.jsonl").toString(),
        "--template", qwen3);
    assertThat(with.out()).startsWith("read 2, written 2, rejected 0");
    String text = (String) jsonl(dir.resolve("b.jsonl")).get(0).get("text");
    assertThat(text).contains("<tools>", "\"name\": \"get_weather\"",
        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}",
        "<tool_response>\n-3 C\n</tool_response>");
  }

  @Test
  void aTemplateThatCannotWriteToolCallsRejectsTheRowInsteadOfLosingTheCall() throws Exception {
    // Llama 3.0's own template writes a call turn's None content as "None" and no call; before,
    // that row was written as "...None<|eot_id|>" with "rejected 0".
    Path in = input(TOOL, CHAT);
    String llama3 = dev.refinery.TestData.file("tokenizers/llama3").toString();
    Path rejects = dir.resolve("rejects.jsonl");
    Cli r = Cli.run("format", in.toString(), dir.resolve("out.jsonl").toString(), "--template",
        llama3, "--rejects", rejects.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("read 2, written 1, rejected 1");
    assertThat(r.err()).contains("sample t: cannot render with llama3/tokenizer_config.json: "
        + "message 1 calls tools, which this template does not write");
    assertThat(Files.readString(dir.resolve("out.jsonl"))).doesNotContain("None<|eot_id|>");
    assertThat(jsonl(rejects)).singleElement().satisfies(row ->
        assertThat((String) row.get("reason")).startsWith("sample t: "));
  }

  @Test
  void unknownTemplateAndPathsFailInOneLine() throws Exception {
    Path in = input(CHAT);
    Path out = dir.resolve("out.jsonl");
    Cli r = Cli.run("format", in.toString(), out.toString(), "--template", "gemma");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("error: unknown template 'gemma'; built-in templates: "
        + "llama3, chatml, qwen3, mistral, alpaca");
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, "{}");
    for (String t : List.of(config.toString(), dir.toString())) {
      Cli p = Cli.run("format", in.toString(), out.toString(), "--template", t);
      assertThat(p.status()).isEqualTo(1);
      assertThat(p.err().strip()).isEqualTo("error: " + config + ": no chat_template");
    }
    Cli missing = Cli.run("format", in.toString(), out.toString(), "--template",
        dir.resolve("nope.jinja").toString());
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("error: template '" + dir.resolve("nope.jinja")
        + "': no built-in template of that name (llama3, chatml, qwen3, mistral, alpaca) and no "
        + "such file");
    assertThat(out).doesNotExist();
    Cli mode = Cli.run("format", in.toString(), out.toString(), "--template", "llama3",
        "--reasoning", "maybe");
    assertThat(mode.status()).isEqualTo(1);
    assertThat(mode.err()).contains("keep, strip or on-only");
  }
  private Path demo() {
    Path data = dir.resolve("demo");
    SampleData.write(data, SampleData.Spec.of(200, 7).withFileKind(FileKind.JSONL));
    return data;
  }

  @Test
  void instShapeWithTheCardsTemplatesAndThinkToggle() throws Exception {
    Path out = dir.resolve("inst.jsonl");
    Cli r = Cli.run("format", demo().toString(), out.toString(), "--shape", "inst",
        "--prompt-template", "auto", "--reasoning-toggle", "think", "--split", "math,code");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("read ").contains("(shape inst;")
        .containsPattern("prompts: template_applied \\d+, toggle_set \\d+");
    List<Map<String, Object>> rows = jsonl(out);
    assertThat(rows).isNotEmpty().allSatisfy(row -> {
      assertThat(row).containsOnlyKeys("uuid", "text");
      assertThat((String) row.get("text")).startsWith("[INST] <<SYS>>\n/")
          .containsPattern("^\\[INST\\] <<SYS>>\n/(no_)?think\n<</SYS>>\n\n"
              + "(Solve the following math problem|Write a solution for the following)")
          .contains(" [/INST] ");
    });
  }

  @Test
  void instructionShapeRejectsMultiTurnChatWithTheUuid() throws Exception {
    Path out = dir.resolve("tutor.jsonl");
    Path rejects = dir.resolve("rejects.jsonl");
    Cli r = Cli.run("format", demo().toString(), out.toString(), "--shape", "instruction",
        "--split", "chat,math", "--reasoning", "on-only", "--rejects", rejects.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.err()).contains("cannot render with instruction: an instruction record holds "
        + "one user turn");
    List<Map<String, Object>> rows = jsonl(out);
    assertThat(rows).isNotEmpty().allSatisfy(row ->
        assertThat(row).containsOnlyKeys("uuid", "instruction", "input", "output"));
    assertThat(rows).anySatisfy(row -> assertThat(row.get("instruction"))
        .isEqualTo("You are a math tutor. Solve the following math problem. Explain your "
            + "reasoning and put the final answer in \\boxed{}."));
    long rejected = Files.readAllLines(rejects).size();
    assertThat(rejected).isPositive();
    assertThat(r.out()).startsWith("read " + (rows.size() + rejected) + ", written "
        + rows.size() + ", rejected " + rejected + " (shape instruction;");
  }

  @Test
  void shapeAndTemplateOptionsAreChecked() throws Exception {
    Path in = input(CHAT);
    Path out = dir.resolve("o.jsonl");
    assertThat(Cli.run("format", in.toString(), out.toString()).err())
        .contains("--shape text needs --template");
    assertThat(Cli.run("format", in.toString(), out.toString(), "--shape", "inst",
        "--template", "llama3").err())
        .contains("--template applies to --shape text only");
    assertThat(Cli.run("format", in.toString(), out.toString(), "--template", "llama3",
        "--reasoning-toggle", "yes").err())
        .contains("unknown reasoning toggle 'yes'; use none, detailed-thinking or think");
  }

  @Test
  void systemPromptAndDetailedThinkingInTheTextShape() throws Exception {
    Path in = input(CHAT, OFF);
    Path out = dir.resolve("sys.jsonl");
    Cli r = Cli.run("format", in.toString(), out.toString(), "--template", "chatml",
        "--system-prompt", "Be kind.", "--reasoning-toggle", "detailed-thinking",
        "--reasoning", "on-only");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("prompts: system_prompt_set 2, toggle_set 2");
    assertThat(jsonl(out)).extracting(row -> row.get("text")).containsExactly(
        "<|im_start|>system\nBe kind.\ndetailed thinking on<|im_end|>\n<|im_start|>user\nHi"
            + "<|im_end|>\n<|im_start|>assistant\n<think>\nhmm\n</think>\n\nHello!<|im_end|>\n",
        "<|im_start|>system\nBe kind.\ndetailed thinking off<|im_end|>\n<|im_start|>user\nYo"
            + "<|im_end|>\n<|im_start|>assistant\nHey<|im_end|>\n");
  }

  @Test
  void theSameBytesForAnyWorkersAndPartitionSize() throws Exception {
    Path data = demo();
    List<byte[]> outputs = new ArrayList<>();
    List<String> rejects = new ArrayList<>();
    for (int workers : new int[] {1, 3}) {
      for (String size : new String[] {null, "2048"}) {
        String name = "w" + workers + "-" + size;
        Path out = dir.resolve(name + ".jsonl.zst");
        Path bad = dir.resolve(name + ".rejects.jsonl");
        if (size != null) {
          System.setProperty(dev.refinery.pipeline.PipelineSpec.PARTITION_SIZE_PROPERTY, size);
        }
        Cli r;
        try {
          r = Cli.run("format", data.toString(), out.toString(), "--template", "chatml",
              "--prompt-template", "auto", "--workers", Integer.toString(workers), "--rejects",
              bad.toString());
        } finally {
          System.clearProperty(dev.refinery.pipeline.PipelineSpec.PARTITION_SIZE_PROPERTY);
        }
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("rejected ").contains("prompts: ").contains("template_applied ");
        if (size != null) {
          assertThat(Files.readString(dir.resolve("." + out.getFileName() + ".refinery")
              .resolve("run.log"))).containsPattern("\\d+ input files, \\d+ partitions");
        }
        outputs.add(Files.readAllBytes(out));
        rejects.add(Files.readString(bad));
      }
    }
    assertThat(rejects.get(0)).isNotEmpty(); // tool rows: the built-in templates cannot write tools
    for (int i = 1; i < outputs.size(); i++) {
      assertThat(outputs.get(i)).as("run " + i).isEqualTo(outputs.get(0));
      assertThat(rejects.get(i)).as("run " + i).isEqualTo(rejects.get(0));
    }
  }

  @Test
  void resumeOnAFinishedOutputRedoesNothing() throws Exception {
    Path in = input(CHAT, TOOL, OFF);
    Path out = dir.resolve("out.jsonl");
    Cli first = Cli.run("format", in.toString(), out.toString(), "--template", "chatml");
    assertThat(first.status()).as(first.err()).isZero();
    Path stats = dir.resolve(".out.jsonl.refinery/stats.json");
    assertThat(stats).exists();
    byte[] bytes = Files.readAllBytes(out);
    java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(out);
    String log = Files.readString(dir.resolve(".out.jsonl.refinery/run.log"));
    Cli again = Cli.run("format", in.toString(), out.toString(), "--template", "chatml",
        "--resume");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.err()).contains("nothing to do: ").contains("holds a finished run");
    assertThat(again.out()).isEqualTo(first.out());
    assertThat(Files.readAllBytes(out)).isEqualTo(bytes);
    assertThat(Files.getLastModifiedTime(out)).isEqualTo(written);
    assertThat(Files.readString(dir.resolve(".out.jsonl.refinery/run.log"))).isEqualTo(log);
    // Without --resume the command writes its output anew, as it always did.
    Cli fresh = Cli.run("format", in.toString(), out.toString(), "--template", "chatml");
    assertThat(fresh.status()).as(fresh.err()).isZero();
    assertThat(fresh.err()).doesNotContain("nothing to do");
    assertThat(Files.readAllBytes(out)).isEqualTo(bytes);
  }

  @Test
  void aBadInputLineStopsTheRunWithoutRejectsAndIsSetAsideWithThem() throws Exception {
    Path in = input(CHAT, "{not json", OFF);
    Path out = dir.resolve("out.jsonl");
    Cli stop = Cli.run("format", in.toString(), out.toString(), "--template", "chatml");
    assertThat(stop.status()).isEqualTo(1);
    assertThat(stop.err().strip()).startsWith("error: " + in + ":2").contains("--rejects FILE")
        .doesNotContain("\n");
    assertThat(out).doesNotExist();
    Path rejects = dir.resolve("bad.jsonl");
    Cli go = Cli.run("format", in.toString(), out.toString(), "--template", "chatml",
        "--rejects", rejects.toString());
    assertThat(go.status()).as(go.err()).isZero();
    assertThat(go.out()).startsWith("read 3, written 2, rejected 1 (template chatml;");
    assertThat(jsonl(out)).extracting(m -> m.get("uuid")).containsExactly("a", "b");
    assertThat(jsonl(rejects)).singleElement().satisfies(row -> {
      assertThat(row.get("line")).isEqualTo(2L);
      assertThat(row.get("raw")).isEqualTo("{not json");
    });
  }
}
