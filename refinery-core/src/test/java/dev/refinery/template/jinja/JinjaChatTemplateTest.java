package dev.refinery.template.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.RenderOptions.Reasoning;
import dev.refinery.template.Segment;
import dev.refinery.template.Templates;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JinjaChatTemplateTest {
  private static final RenderOptions PLAIN = new RenderOptions(false, Reasoning.KEEP);
  private static final RenderOptions GEN = new RenderOptions(true, Reasoning.KEEP);

  @TempDir
  Path dir;

  static JinjaChatTemplate real(String model) {
    return JinjaChatTemplate.fromTokenizerConfig(TestData.file("tokenizers/" + model));
  }

  static JinjaChatTemplate mistral() throws Exception {
    try (InputStream in = JinjaChatTemplateTest.class.getResourceAsStream(
        "/jinja/mistral_v1_transformersjs.jinja")) {
      return JinjaChatTemplate.of("mistral-jinja", new String(in.readAllBytes(),
          StandardCharsets.UTF_8), Map.of("bos_token", "<s>", "eos_token", "</s>"));
    }
  }

  static Sample sample(String reasoning, String... roleContent) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < roleContent.length; i += 2) {
      messages.add(Message.of(roleContent[i], roleContent[i + 1]));
    }
    return Sample.builder().uuid("u-1").reasoning(reasoning).messages(messages).build();
  }

  @Test
  void llama3ConfigReproducesTheNemoSkillsRows() throws Exception {
    JinjaChatTemplate llama3 = real("llama3");
    var file = TestData.file("nemo-skills-samples/small_sft_llama3_prompt_10.jsonl");
    String userHeader = "<|start_header_id|>user<|end_header_id|>\n\n";
    int rows = 0;
    for (String line : Files.readAllLines(file)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) Json.parse(line);
      String input = (String) row.get("input");
      String output = (String) row.get("output");
      int from = input.indexOf(userHeader) + userHeader.length();
      String user = input.substring(from, input.indexOf("<|eot_id|>", from));
      assertThat(llama3.render(sample("off", "system", "", "user", user), GEN)).isEqualTo(input);
      // The training text is the prompt followed by the reply and its end-of-turn token.
      String reply = output.substring(0, output.length() - "<|eot_id|>".length());
      Sample full = sample("off", "system", "", "user", user, "assistant", reply);
      assertThat(llama3.render(full, PLAIN)).isEqualTo(input + output);
      rows++;
    }
    assertThat(rows).isEqualTo(10);
  }

  @Test
  void mistralJinjaReproducesTheTransformersJsCase() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) Json.parse(Files.readString(
        TestData.file("tokenizers/expected/transformersjs_mistral_v1_chat_template_case.json")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages = (List<Map<String, Object>>) c.get("messages");
    assertThat(mistral().render(messages, null, false, Map.of())).isEqualTo(c.get("rendered"));
  }

  static List<Sample> plainConversations() {
    return List.of(
        sample("off", "user", "Hi"),
        sample("off", "system", "Be brief.", "user", "Hi", "assistant", "Hello!"),
        sample("on", "system", "Think.", "user", "3*7?", "assistant",
            "<think>\n3 times 7 is 21.\n</think>\n\nThe answer is 21."),
        sample("on", "user", "Q1", "assistant", "<think>\nr1\n</think>\n\nA1", "user", "Q2",
            "assistant", "<think>\nr2\n</think>\n\nA2"),
        sample("off", "system", " sys \n", "user", "\u00a0Hi there\n", "assistant", "Hello!  "),
        sample("off", "user", "Q1", "assistant", "A1", "user", "Q2"),
        sample("on", "user", "Q", "assistant", "<think>\n\n</think>\n\nDone."));
  }

  @Test
  void builtInTemplatesAgreeWithTheJinjaRenderOfTheRealConfigs() throws Exception {
    Map<String, ChatTemplate> jinja = Map.of("llama3", real("llama3"), "qwen3", real("qwen3"),
        "mistral", mistral());
    int compared = 0;
    for (var e : jinja.entrySet()) {
      ChatTemplate builtIn = Templates.builtIn(e.getKey());
      for (Sample s : plainConversations()) {
        if (e.getKey().equals("mistral") && s.messages().get(0).role().equals("system")) {
          continue; // Mistral v0.1 has no system role
        }
        for (RenderOptions o : List.of(PLAIN, GEN, new RenderOptions(false, Reasoning.STRIP),
            new RenderOptions(true, Reasoning.ON_ONLY))) {
          if (e.getKey().equals("mistral") && o.addGenerationPrompt()) {
            continue; // no generation prompt in Mistral v0.1
          }
          assertThat(e.getValue().render(s, o)).as(e.getKey() + " " + s.messages() + " " + o)
              .isEqualTo(builtIn.render(s, o));
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(60);
  }

  private static void assertSegmentsCoverReplies(ChatTemplate t, Sample s, String endToken,
                                                 List<String> replies) {
    List<Segment> segments = t.segments(s, PLAIN);
    assertThat(Segment.join(segments)).isEqualTo(t.render(s, PLAIN));
    List<String> got = new ArrayList<>();
    StringBuilder cur = null;
    int curIndex = -1;
    for (Segment seg : segments) {
      if (seg.isAssistantReply()) {
        if (cur == null || seg.messageIndex() != curIndex) {
          if (cur != null) {
            got.add(cur.toString());
          }
          cur = new StringBuilder();
          curIndex = seg.messageIndex();
        }
        cur.append(seg.text());
      }
    }
    if (cur != null) {
      got.add(cur.toString());
    }
    List<String> expected = new ArrayList<>();
    for (String r : replies) {
      expected.add(r + endToken);
    }
    assertThat(got).as(t.name() + " " + segments).isEqualTo(expected);
  }

  @Test
  void segmentsCoverExactlyTheAssistantRepliesOnRealTemplates() throws Exception {
    Sample s = sample("on", "system", "Be brief.", "user", "Q1", "assistant", "A1", "user", "Q2",
        "assistant", "<think>\nr2\n</think>\n\nA2");
    assertSegmentsCoverReplies(real("llama3"), s, "<|eot_id|>",
        List.of("A1", "<think>\nr2\n</think>\n\nA2"));
    // Qwen3 drops the trace of turns before the last query; its inserted "<think>\n" is trained.
    assertSegmentsCoverReplies(real("qwen3"), s, "<|im_end|>",
        List.of("A1", "<think>\nr2\n</think>\n\nA2"));
    assertSegmentsCoverReplies(real("deepseek_v3"), s, "<｜end▁of▁sentence｜>",
        List.of("A1", "<think>\nr2\n</think>\n\nA2"));
    Sample noSystem = sample("off", "user", "Q1", "assistant", "A1", "user", "Q2", "assistant",
        "A2");
    assertSegmentsCoverReplies(mistral(), noSystem, "</s>", List.of("A1", "A2"));
    // A reply without a trace gets Qwen3's empty think block, which is part of the reply.
    assertSegmentsCoverReplies(real("qwen3"), sample("off", "user", "Q", "assistant", "A"),
        "<|im_end|>", List.of("<think>\n\n</think>\n\nA"));
  }

  @Test
  void segmentsNameMessagesAndKinds() {
    Sample s = sample("off", "system", "", "user", "Q", "assistant", "A");
    List<Segment> segs = real("llama3").segments(s, GEN);
    assertThat(segs).extracting(Segment::text).containsExactly(
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n", "<|eot_id|>",
        "<|start_header_id|>user<|end_header_id|>\n\n", "Q", "<|eot_id|>",
        "<|start_header_id|>assistant<|end_header_id|>\n\n", "A", "<|eot_id|>",
        "<|start_header_id|>assistant<|end_header_id|>\n\n");
    assertThat(segs).extracting(Segment::kind).containsExactly(Segment.Kind.HEADER,
        Segment.Kind.END, Segment.Kind.HEADER, Segment.Kind.CONTENT, Segment.Kind.END,
        Segment.Kind.HEADER, Segment.Kind.CONTENT, Segment.Kind.END, Segment.Kind.SCAFFOLD);
    assertThat(segs).extracting(Segment::messageIndex).containsExactly(0, 0, 1, 1, 1, 2, 2, 2,
        -1);
  }

  @Test
  void generationBlocksMarkTheReply() {
    JinjaChatTemplate t = JinjaChatTemplate.of("gen", "{% for m in messages %}<{{ m.role }}>"
        + "{% if m.role == 'assistant' %}{% generation %}{{ m.content }}</s>{% endgeneration %}"
        + "{% else %}{{ m.content }}{% endif %}{{ '\\n' }}{% endfor %}", Map.of());
    List<Segment> segs = t.segments(sample("off", "user", "Q", "assistant", "A"), PLAIN);
    assertThat(Segment.join(segs)).isEqualTo("<user>Q\n<assistant>A</s>\n");
    assertThat(segs.stream().filter(Segment::isAssistantReply).map(Segment::text).toList())
        .containsExactly("A</s>");
  }

  /** The Qwen3 tool conversation of chat_goldens.json, as a sample with metadata.tools. */
  @Test
  @SuppressWarnings("unchecked")
  void samplesWithToolsRenderLikeTransformers() throws Exception {
    Map<String, Object> f = JinjaGoldenTest.fixture("chat_goldens.json");
    String expected = null;
    for (Map<String, Object> c : (List<Map<String, Object>>) f.get("cases")) {
      if (c.get("template").equals("qwen3") && c.get("conversation").equals("tool_call_dict")
          && Boolean.TRUE.equals(c.get("tools")) && Boolean.FALSE.equals(
              c.get("add_generation_prompt"))) {
        expected = (String) c.get("expected");
      }
    }
    String tools = Json.write(Map.of("tools", f.get("tools")));
    List<Message> messages = List.of(
        Message.of("system", "Use tools."),
        Message.of("user", "Weather in Paris?"),
        new Message("assistant", "", List.of(ToolCall.of("abc123def", "get_weather",
            "{\"city\": \"Paris\", \"unit\": \"c\"}")), null),
        new Message("tool", "{\"temp\": 21.5}", null,
            Map.of("tool_call_id", "abc123def", "name", "get_weather")),
        Message.of("assistant", "It is 21.5 °C in Paris."));
    Sample s = Sample.builder().uuid("t-1").reasoning("off").messages(messages).metadata(tools)
        .build();
    JinjaChatTemplate qwen3 = real("qwen3");
    assertThat(qwen3.render(s, PLAIN)).isEqualTo(expected);
    List<Segment> segs = qwen3.segments(s, PLAIN);
    assertThat(segs.stream().filter(g -> g.isAssistantReply() && g.messageIndex() == 2)
        .map(Segment::text).reduce("", String::concat))
        .isEqualTo("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\","
            + " \"unit\": \"c\"}}\n</tool_call><|im_end|>");
  }

  @Test
  void renderFailuresNameTheSampleAndCarryTheTemplatesMessage() throws Exception {
    Sample s = sample("off", "system", "sys", "user", "Q");
    assertThatThrownBy(() -> mistral().render(s, PLAIN))
        .isInstanceOf(RefineryException.class)
        .hasMessage("sample u-1: cannot render with mistral-jinja: Conversation roles must "
            + "alternate user/assistant/user/assistant/...");
    JinjaChatTemplate bad = JinjaChatTemplate.of("bad", "{% for m in messages %}\n{{ m.content + 1 }}"
        + "{% endfor %}", Map.of());
    assertThatThrownBy(() -> bad.render(s, PLAIN)).hasMessage("sample u-1: cannot render with "
        + "bad: line 2: can only concatenate str (not \"int\") to str");
    assertThatThrownBy(() -> JinjaChatTemplate.of("x", "{% if %}", Map.of()))
        .hasMessageStartingWith("x: chat template does not parse: line 1:");
  }

  @Test
  void resolvesNamesConfigsFoldersAndJinjaFiles() throws Exception {
    assertThat(Templates.resolve("qwen3").name()).isEqualTo("qwen3");
    Path qwen = TestData.file("tokenizers/qwen3");
    assertThat(Templates.resolve(qwen.toString()).name()).isEqualTo("qwen3/tokenizer_config.json");
    assertThat(Templates.resolve(qwen.resolve("tokenizer_config.json").toString())
        .render(sample("off", "user", "Hi"), PLAIN)).isEqualTo("<|im_start|>user\nHi<|im_end|>\n");
    Path jinja = dir.resolve("t.jinja");
    Files.writeString(jinja, "{% for m in messages %}{{ m.content }}{% endfor %}\n");
    assertThat(Templates.resolve(jinja.toString()).render(sample("off", "user", "Hi"), PLAIN))
        .isEqualTo("Hi");
    // Beside a tokenizer_config.json, a .jinja file gets its special tokens.
    Files.writeString(dir.resolve("tokenizer_config.json"),
        "{\"bos_token\": {\"content\": \"<s>\"}, \"eos_token\": \"</s>\", \"pad_token\": null}");
    Path withTokens = dir.resolve("tok.jinja");
    Files.writeString(withTokens, "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}"
        + "{{ pad_token is defined }}");
    assertThat(Templates.resolve(withTokens.toString()).render(sample("off", "user", "Hi"), PLAIN))
        .isEqualTo("<s>Hi</s>False");
    Path mistralConfig = TestData.file("tokenizers/mistral_v1/tokenizer_config.json");
    assertThatThrownBy(() -> Templates.resolve(mistralConfig.toString()))
        .hasMessage(mistralConfig + ": no chat_template");
    assertThatThrownBy(() -> Templates.resolve(dir.resolve("none.json").toString()))
        .hasMessageContaining("none.json").hasMessageContaining("no such file");
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThatThrownBy(() -> Templates.resolve(empty.toString()))
        .hasMessage(empty + ": no tokenizer_config.json in this folder");
  }

  @Test
  void bareToolsAreWrappedInOpenAisShapeUnlessTurnedOff() {
    // A template that writes each tool as it gets it.
    JinjaChatTemplate t = JinjaChatTemplate.of("t", "{% for tool in tools %}{{ tool | tojson }}\n"
        + "{% endfor %}{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}",
        Map.of());
    Sample s = Sample.builder().uuid("u").messages(List.of(Message.of("user", "hi")))
        .metadata("{\"tools\": [{\"name\": \"f\", \"parameters\": {}}]}").build();
    assertThat(t.render(s, new RenderOptions(false, Reasoning.KEEP, true, true))).isEqualTo(
        "{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {}}}\n"
            + "user: hi\n");
    assertThat(t.render(s, new RenderOptions(false, Reasoning.KEEP, true, false)))
        .isEqualTo("{\"name\": \"f\", \"parameters\": {}}\nuser: hi\n");
    // A template that ignores tools cannot lose them: the row is rejected.
    JinjaChatTemplate plain = JinjaChatTemplate.of("plain",
        "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}", Map.of());
    assertThatThrownBy(() -> plain.render(s, RenderOptions.DEFAULT))
        .isInstanceOf(RefineryException.class).hasMessage("sample u: cannot render with plain: "
            + "it defines tools in metadata.tools, which this template does not write (its text "
            + "would lack them)");
  }
}
