package dev.refinery.template.jinja;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.sample.Sample;
import dev.refinery.template.RenderOptions;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Glaive tool-call rows, imported from ShareGPT as Refinery stores them (content "" on call turns,
 * arguments as JSON strings), render byte for byte as Python Jinja2 renders them with the messages
 * each template needs (glaive_goldens.json, from src/test/python/render_glaive_goldens.py):
 * Qwen3 with dict arguments and tools, DeepSeek-V3 with string arguments and None content, which
 * the template's probe finds by itself.
 */
class GlaiveToolGoldenTest {

  @Test
  @SuppressWarnings("unchecked")
  void glaiveRowsRenderLikeJinja2WithTheArgumentsEachTemplateNeeds() throws Exception {
    Map<String, Object> f = JinjaGoldenTest.fixture("glaive_goldens.json");
    List<Object> rows = (List<Object>) Json.parse(Files.readString(
        TestData.file((String) f.get("source"))));
    var sharegpt = Formats.byName("sharegpt");
    int calls = 0;
    for (Map<String, Object> c : (List<Map<String, Object>>) f.get("cases")) {
      String name = (String) c.get("template");
      JinjaChatTemplate template = JinjaChatTemplate.fromTokenizerConfig(
          TestData.file("tokenizers/" + name + "/tokenizer_config.json"));
      int row = ((Number) c.get("row")).intValue();
      Sample s = sharegpt.decode((Map<String, Object>) rows.get(row));
      if (name.equals("deepseek_v3")) {
        // Its template writes no tool definitions: a row with them would be rejected.
        s = s.toBuilder().metadata(null).build();
      }
      calls += s.toolCallCount();
      assertThat(template.render(s, RenderOptions.DEFAULT)).as(name + " row " + row)
          .isEqualTo(c.get("expected"));
    }
    assertThat(calls).isGreaterThanOrEqualTo(16);
    assertThat(JinjaChatTemplate.fromTokenizerConfig(
        TestData.file("tokenizers/deepseek_v3/tokenizer_config.json")).toolStyle())
        .isEqualTo(new JinjaChatTemplate.ToolStyle(true, true, true, false));
    assertThat(JinjaChatTemplate.fromTokenizerConfig(
        TestData.file("tokenizers/qwen3/tokenizer_config.json")).toolStyle())
        .isEqualTo(new JinjaChatTemplate.ToolStyle(false, false, true, true));
  }
}
