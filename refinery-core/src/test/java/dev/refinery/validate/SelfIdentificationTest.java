package dev.refinery.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SelfIdentificationTest {

  /** LLaMA-Factory's identity rows, with their placeholders filled in as a Qwen row would be. */
  @Test
  void findsEveryFilledInIdentityRow() throws Exception {
    List<?> rows = (List<?>) Json.parse(
        Files.readString(TestData.file("llamafactory-demo/identity.json")));
    int withPlaceholders = 0;
    List<String> missed = new ArrayList<>();
    for (Object row : rows) {
      String output = (String) ((Map<?, ?>) row).get("output");
      assertThat(SelfIdentification.matches(output)).as(output).isFalse();
      if (output.contains("{{name}}") || output.contains("{{author}}")) {
        withPlaceholders++;
        String filled = output.replace("{{name}}", "Qwen").replace("{{author}}", "Alibaba Cloud");
        if (!SelfIdentification.matches(filled)) {
          missed.add(filled);
        }
      }
    }
    assertThat(withPlaceholders).isGreaterThan(80);
    assertThat(missed).isEmpty();
  }

  /** Glaive's assistant turns (en and zh) talk about many things, never about who wrote them. */
  @Test
  void findsNothingInGeneralInstructionData() throws Exception {
    for (String file : List.of("glaive_toolcall_en_demo.json", "glaive_toolcall_zh_demo.json")) {
      List<?> rows = (List<?>) Json.parse(
          Files.readString(TestData.file("llamafactory-demo/" + file)));
      assertThat(rows).hasSize(300);
      int answers = 0;
      for (Object row : rows) {
        for (Object turn : (List<?>) ((Map<?, ?>) row).get("conversations")) {
          if ("gpt".equals(((Map<?, ?>) turn).get("from"))) {
            String output = (String) ((Map<?, ?>) turn).get("value");
            assertThat(SelfIdentification.matches(output)).as(file + ": " + output).isFalse();
            answers++;
          }
        }
      }
      assertThat(answers).isGreaterThan(300);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "I am Qwen, a large language model created by Alibaba Cloud.",
      "Hello! I'm DeepSeek, how can I help?",
      "i am chatgpt",
      "I’m Qwen.",
      "As Qwen, I cannot browse the internet.",
      "Sure. As ChatGPT, I don't have opinions.",
      "I am an AI assistant called Tongyi Qianwen.",
      "My name is QwQ.",
      "I am a large language model created by Alibaba Cloud.",
      "I was trained by OpenAI.",
      "I'm an AI assistant developed by Anthropic.",
      "I AM GPT-4, made by OPENAI.",
      "我是通义千问，由阿里云开发的超大规模语言模型。",
      "你好，我是阿里云研发的大规模语言模型。",
      "我叫DeepSeek。",
      "您好，作为 Qwen，我可以回答各种问题。",
      "您好！这里是 Qwen，一个人工智能助手。",
      "当然，您可以称呼我为 Qwen。",
      "You may refer to me as Qwen.",
      "As an AI assistant developed by Alibaba Cloud, I got the name Qwen.",
      "Alibaba Cloud 训练了我。",
      "I am Claude, an AI assistant made by Anthropic.",
      "I'm Llama, developed by Meta.",
      "I am Llama 3.1, a model released by Meta AI.",
      "I am Gemini, a model trained by Google.",
      "I'm Gemini, Google's AI model.",
      "I am Gemini, developed by Google DeepMind.",
      "I am Nemotron, created by NVIDIA.",
      "I'm Grok, built by xAI.",
      "My name is Claude and I was made by Anthropic.",
      "As Claude, an assistant from Anthropic, I avoid that.",
      "I am an AI assistant created by Meta.",
      "I'm a language model trained by NVIDIA.",
      "I'm an AI assistant developed by Mistral AI.",
      "I am Mistral, a model trained by Mistral AI.",
      "我是英伟达开发的人工智能助手。",
  })
  void findsAModelNamingItself(String text) {
    assertThat(SelfIdentification.matches(text)).isTrue();
    // The prefilter must not hide a match: what the pattern matched names a model or maker.
    String match = SelfIdentification.firstMatch(text);
    assertThat(match).isNotNull();
    assertThat(SelfIdentification.mentionsAName(match)).as(match).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "The Qwen model was trained by Alibaba Cloud.",
      "Qwen and DeepSeek are open-weight model families.",
      "I am using Qwen for my project.",
      "I'm comparing DeepSeek with Llama.",
      "As Qwen's documentation says, the context is 32k tokens.",
      "I am a Gemini, born in June.",
      "Hi, I'm Claude, your waiter tonight.",
      "I was surprised the model created by OpenAI could do it.",
      "ChatGPT was created by OpenAI in 2022.",
      "I am {{name}}, an AI assistant developed by {{author}}.",
      "I am happy to help with Qwen fine-tuning.",
      "通义千问是阿里云开发的模型。",
      "作为千问的用户，我很满意。",
      "我用 DeepSeek 写了这段代码。",
      "Llama 3 was trained by Meta.",
      "The Gemini constellation is best seen in winter.",
      "I am a Gemini, and I work at Google.",
      "I am Claude Monet's biggest fan.",
      "Claude Monet was a French painter; I love his work.",
      "I am Llama-curious: the animals from Peru fascinate me.",
      "I grok it now, thanks to the xAI paper.",
      "Gemini was trained by Google DeepMind.",
      "I was trained by meta-learning on many tasks.",
      "I'm Claude. Anthropic is a company I have read about.",
      "",
  })
  void leavesNeutralMentionsAlone(String text) {
    assertThat(SelfIdentification.matches(text)).isFalse();
  }
}
