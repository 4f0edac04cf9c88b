package dev.refinery.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SelfIdentificationTest {

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
  })
  void findsAModelNamingItself(String text) {
    assertThat(SelfIdentification.matches(text)).isTrue();
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
      "",
  })
  void leavesNeutralMentionsAlone(String text) {
    assertThat(SelfIdentification.matches(text)).isFalse();
  }
}
