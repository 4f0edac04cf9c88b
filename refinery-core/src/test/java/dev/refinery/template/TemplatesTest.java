package dev.refinery.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import dev.refinery.template.RenderOptions.Reasoning;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {
  private static final RenderOptions PLAIN = new RenderOptions(false, Reasoning.KEEP);
  private static final RenderOptions GEN = new RenderOptions(true, Reasoning.KEEP);

  static Sample sample(String reasoning, String... roleContent) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < roleContent.length; i += 2) {
      messages.add(Message.of(roleContent[i], roleContent[i + 1]));
    }
    return Sample.builder().uuid("u-1").reasoning(reasoning).messages(messages).build();
  }

  private static String render(String template, Sample s, RenderOptions o) {
    return Templates.builtIn(template).render(s, o);
  }

  @Test
  void llama3MatchesTheTokenizerConfigTemplate() {
    // Golden string rendered by Python Jinja2 from llama3/tokenizer_config.json's chat_template
    // (trim strips Python whitespace, U+00A0 included).
    Sample s = sample("off", "system", " sys \n", "user", "\u00a0Hi there\n",
        "assistant", "Hello!  ");
    assertThat(render("llama3", s, GEN)).isEqualTo("<|begin_of_text|><|start_header_id|>system"
        + "<|end_header_id|>\n\nsys<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
        + "Hi there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    assertThat(render("llama3", sample("off", "user", "Hi"), PLAIN)).isEqualTo(
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
  }

  @Test
  void llama3ReproducesTheNemoSkillsRows() throws Exception {
    var file = TestData.file("nemo-skills-samples/small_sft_llama3_prompt_10.jsonl");
    String userHeader = "<|start_header_id|>user<|end_header_id|>\n\n";
    int rows = 0;
    for (String line : Files.readAllLines(file)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) Json.parse(line);
      String input = (String) row.get("input");
      int from = input.indexOf(userHeader) + userHeader.length();
      String user = input.substring(from, input.indexOf("<|eot_id|>", from));
      Sample s = sample("off", "system", "", "user", user);
      assertThat(render("llama3", s, GEN)).isEqualTo(input);
      rows++;
    }
    assertThat(rows).isEqualTo(10);
  }

  @Test
  void chatmlWritesContentVerbatim() {
    Sample s = sample("on", "system", "Be brief.", "user", "Hi",
        "assistant", "<think>\nt\n</think>\n\nHello!");
    assertThat(render("chatml", s, PLAIN)).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nt\n</think>\n\n"
        + "Hello!<|im_end|>\n");
    assertThat(render("chatml", sample("off", "user", "Hi"), GEN))
        .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void qwen3MatchesTheTokenizerConfigTemplate() {
    // Golden strings rendered by Python Jinja2 from qwen3/tokenizer_config.json's chat_template.
    Sample multi = sample("on", "system", "Be brief.", "user", "Hi",
        "assistant", "<think>\nold trace\n</think>\n\nHello!", "user", "2+2?",
        "assistant", "<think>\nadd\n</think>\n\n4");
    assertThat(render("qwen3", multi, PLAIN)).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
        + "<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\nadd\n</think>\n\n"
        + "4<|im_end|>\n");
    assertThat(render("qwen3", sample("off", "user", "Hi", "assistant", "Hello!"), PLAIN))
        .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>"
            + "\n\nHello!<|im_end|>\n");
    assertThat(render("qwen3", sample("off", "user", "Hi"), GEN))
        .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void mistralMatchesTheTransformersJsCase() throws Exception {
    var file = TestData.file("tokenizers/expected/transformersjs_mistral_v1_chat_template_case.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) Json.parse(Files.readString(file));
    List<String> flat = new ArrayList<>();
    for (Object o : (List<?>) c.get("messages")) {
      Map<?, ?> m = (Map<?, ?>) o;
      flat.add((String) m.get("role"));
      flat.add((String) m.get("content"));
    }
    Sample s = sample("off", flat.toArray(String[]::new));
    assertThat(render("mistral", s, PLAIN)).isEqualTo(c.get("rendered"));
    assertThat(render("mistral", s, GEN)).isEqualTo(c.get("rendered"));
  }

  @Test
  void mistralGoldenAndItsRules() {
    assertThat(render("mistral", sample("off", "system", "", "user", "a", "assistant", "b"),
        PLAIN)).isEqualTo("<s>[INST] a [/INST]b</s> ");
    assertThatThrownBy(() -> render("mistral", sample("off", "system", "S", "user", "a"), PLAIN))
        .isInstanceOf(RefineryException.class).hasMessageContaining("u-1")
        .hasMessageContaining("no system role");
    assertThatThrownBy(() -> render("mistral", sample("off", "user", "a", "user", "b"), PLAIN))
        .hasMessageContaining("alternate");
  }

  @Test
  void alpacaSingleTurn() {
    String prompt = "Below is an instruction that describes a task. Write a response that "
        + "appropriately completes the request.\n\n### Instruction:\nAdd 2 and 2.\n\n"
        + "### Response:\n";
    assertThat(render("alpaca", sample("off", "system", "", "user", "Add 2 and 2.",
        "assistant", "4"), PLAIN)).isEqualTo(prompt + "4");
    assertThat(render("alpaca", sample("off", "user", "Add 2 and 2."), GEN)).isEqualTo(prompt);
    assertThatThrownBy(() -> render("alpaca", sample("off", "user", "a", "assistant", "b",
        "user", "c"), PLAIN)).hasMessageContaining("u-1").hasMessageContaining("one user turn");
  }

  @Test
  void reasoningModes() {
    Sample on = sample("on", "user", "Hi", "assistant", "<think>\nhmm\n</think>\n\nHello!");
    Sample off = sample("off", "user", "Hi", "assistant", "<think>\nhmm\n</think>\n\nHello!");
    String head = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
    String kept = head + "<think>\nhmm\n</think>\n\nHello!<|im_end|>\n";
    String stripped = head + "Hello!<|im_end|>\n";
    assertThat(render("chatml", on, new RenderOptions(false, Reasoning.KEEP))).isEqualTo(kept);
    assertThat(render("chatml", on, new RenderOptions(false, Reasoning.STRIP))).isEqualTo(stripped);
    assertThat(render("chatml", on, new RenderOptions(false, Reasoning.ON_ONLY))).isEqualTo(kept);
    assertThat(render("chatml", off, new RenderOptions(false, Reasoning.ON_ONLY)))
        .isEqualTo(stripped);
    // Qwen3 writes an empty think block into the last assistant turn once the trace is gone.
    assertThat(render("qwen3", off, new RenderOptions(false, Reasoning.STRIP)))
        .isEqualTo(head + "<think>\n\n</think>\n\nHello!<|im_end|>\n");
    assertThatThrownBy(() -> render("chatml", sample("on", "user", "Hi", "assistant",
        "<think>never closed"), new RenderOptions(false, Reasoning.STRIP)))
        .hasMessageContaining("unterminated");
    assertThat(Reasoning.parse("on-only")).isEqualTo(Reasoning.ON_ONLY);
    assertThatThrownBy(() -> Reasoning.parse("maybe")).hasMessageContaining("keep, strip or on-only");
  }

  @Test
  void toolsAndUnknownNamesFailInOneLine() {
    Sample tool = sample("off", "user", "x", "tool", "{}");
    for (String name : Templates.NAMES) {
      assertThatThrownBy(() -> render(name, tool, PLAIN)).isInstanceOf(RefineryException.class)
          .hasMessageContaining("u-1").hasMessageContaining("built-in templates cannot write");
    }
    Sample call = Sample.builder().uuid("u-2").messages(List.of(Message.of("user", "x"),
        new Message("assistant", null, List.of(ToolCall.of("c1", "f", "{}")), null))).build();
    assertThatThrownBy(() -> render("llama3", call, PLAIN)).hasMessageContaining("u-2")
        .hasMessageContaining("tool call");
    // Tools defined but never called would silently vanish from the prompt: refused too.
    Sample defined = sample("off", "user", "x", "assistant", "y").toBuilder()
        .metadata("{\"tools\": [{\"name\": \"f\"}]}").build();
    assertThatThrownBy(() -> render("chatml", defined, PLAIN))
        .hasMessageContaining("metadata.tools defines tools");
    assertThat(render("chatml", defined.toBuilder().metadata("{\"tools\": []}").build(), PLAIN))
        .contains("<|im_start|>user\nx<|im_end|>");
    assertThatThrownBy(() -> Templates.builtIn("gemma")).isInstanceOf(RefineryException.class)
        .hasMessage("unknown template 'gemma'; built-in templates: llama3, chatml, qwen3, "
            + "mistral, alpaca");
  }
}
