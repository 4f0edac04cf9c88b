package dev.refinery.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.RefineryException;
import dev.refinery.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenizersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Tokenizer> OPEN = new java.util.concurrent.ConcurrentHashMap<>();

  static Tokenizer tokenizer(String spec) {
    return OPEN.computeIfAbsent(spec, s -> Tokenizers.open(s));
  }

  static Tokenizer shared(String folder) {
    return tokenizer(TestData.file("tokenizers/" + folder + "/tokenizer.json").toString());
  }

  @AfterAll
  static void closeAll() {
    OPEN.values().forEach(Tokenizer::close);
    if (gpt2 != null) {
      gpt2.close();
    }
  }

  /** (model id, case name, text, ids) for every case of one model in an expected/ file. */
  static Stream<Arguments> cases(String file, String model) throws IOException {
    Path path = TestData.file("tokenizers/expected/" + file);
    JsonNode cases = JSON.readTree(path.toFile()).get(model);
    List<Arguments> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = cases.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> c = it.next();
      int[] ids = JSON.convertValue(c.getValue().get("ids"), int[].class);
      out.add(Arguments.of(model, c.getKey(), c.getValue().get("text").asText(), ids));
    }
    return out.stream();
  }

  // Xenova/llama3-tokenizer-new: ids include <|begin_of_text|> (add_special_tokens=true).
  static Stream<Arguments> llama3WithBos() throws IOException {
    return cases("transformersjs_llama_cases.json", "Xenova/llama3-tokenizer-new");
  }

  // Xenova/llama3-tokenizer (older config): the same texts, ids without BOS.
  static Stream<Arguments> llama3WithoutBos() throws IOException {
    return cases("transformersjs_llama_cases.json", "Xenova/llama3-tokenizer");
  }

  // Qwen1.5/2/2.5/3 share the BPE vocabulary and pre-tokenizer (PROVENANCE.md); no BOS is added.
  static Stream<Arguments> qwen2() throws IOException {
    return cases("transformersjs_qwen2_cases.json", "Xenova/Qwen1.5-0.5B-Chat");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("llama3WithBos")
  void llama3MatchesTransformersJsWithSpecialTokens(String model, String name, String text,
      int[] ids) {
    assertThat(shared("llama3").encode(text, true)).as(name).containsExactly(ids);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("llama3WithoutBos")
  void llama3MatchesTransformersJsWithoutSpecialTokens(String model, String name, String text,
      int[] ids) {
    assertThat(shared("llama3").encode(text)).as(name).containsExactly(ids);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("qwen2")
  void qwen3MatchesTransformersJsQwen2Cases(String model, String name, String text, int[] ids) {
    assertThat(shared("qwen3").encode(text, true)).as(name).containsExactly(ids);
    assertThat(shared("qwen3").encode(text)).as(name).containsExactly(ids);
  }

  @Test
  void specialTokenIdsAndVocabularySizes() {
    Tokenizer llama = shared("llama3");
    assertThat(llama.tokenId("<|eot_id|>")).isEqualTo(128009);
    assertThat(llama.tokenId("<|begin_of_text|>")).isEqualTo(128000);
    assertThat(llama.tokenId("no such token at all")).isNull();
    assertThat(llama.vocabSize()).isEqualTo(128256);
    assertThat(llama.encode("<|eot_id|>")).containsExactly(128009);

    Tokenizer qwen = shared("qwen3");
    assertThat(qwen.tokenId("<think>")).isEqualTo(151667);
    assertThat(qwen.tokenId("<|im_end|>")).isEqualTo(151645);
    assertThat(qwen.vocabSize()).isEqualTo(151669);
  }

  @Test
  void mistralChatTemplateCase() throws IOException {
    Path file =
        TestData.file("tokenizers/expected/transformersjs_mistral_v1_chat_template_case.json");
    JsonNode c = JSON.readTree(file.toFile());
    int[] ids = JSON.convertValue(c.get("ids"), int[].class);
    // The rendered string already holds <s> and </s>: encode it without adding special tokens.
    assertThat(shared("mistral_v1").encode(c.get("rendered").asText())).containsExactly(ids);
    assertThat(shared("mistral_v1").vocabSize()).isEqualTo(32000);
  }

  // The gpt2 folder has OpenAI's encoder.json + vocab.bpe, not a tokenizer.json: the test writes
  // the equivalent byte-level BPE tokenizer.json (as transformers' GPT2TokenizerFast would).
  static Stream<Arguments> gpt2() throws IOException {
    return cases("transformersjs_gpt2_cases.json", "Xenova/gpt2");
  }

  private static Tokenizer gpt2;

  static synchronized Tokenizer gpt2Tokenizer() throws IOException {
    if (gpt2 == null) {
      Path encoder = TestData.file("tokenizers/gpt2/encoder.json");
      Path merges = TestData.file("tokenizers/gpt2/vocab.bpe");
      Map<String, Object> byteLevel =
          Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true,
              "use_regex", true);
      Map<String, Object> model = new java.util.LinkedHashMap<>();
      model.put("type", "BPE");
      model.put("vocab", JSON.readTree(encoder.toFile()));
      model.put("merges", Files.readAllLines(merges).stream()
          .filter(l -> !l.startsWith("#version") && !l.isBlank()).toList());
      Map<String, Object> json = new java.util.LinkedHashMap<>();
      json.put("version", "1.0");
      json.put("added_tokens", List.of(Map.of("id", 50256, "content", "<|endoftext|>",
          "single_word", false, "lstrip", false, "rstrip", false, "normalized", true,
          "special", true)));
      json.put("pre_tokenizer", byteLevel);
      json.put("post_processor", byteLevel);
      json.put("decoder", byteLevel);
      json.put("model", model);
      Path dir = Files.createTempDirectory("gpt2-tokenizer");
      JSON.writeValue(dir.resolve("tokenizer.json").toFile(), json);
      gpt2 = Tokenizers.open(dir.toString());
      dir.resolve("tokenizer.json").toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
    }
    return gpt2;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("gpt2")
  void gpt2MatchesTransformersJs(String model, String name, String text, int[] ids)
      throws IOException {
    assertThat(gpt2Tokenizer().encode(text, true)).as(name).containsExactly(ids);
  }

  @ParameterizedTest(name = "r50k_base {1}")
  @MethodSource("gpt2")
  void r50kBaseIsGpt2(String model, String name, String text, int[] ids) {
    assertThat(tokenizer("r50k_base").encode(text)).as(name).containsExactly(ids);
  }

  @Test
  void openAiEncodings() {
    assertThat(tokenizer("cl100k_base").encode("hello world")).containsExactly(15339, 1917);
    assertThat(tokenizer("o200k_base").encode("hello world")).containsExactly(24912, 2375);
    assertThat(tokenizer("cl100k_base").encode("Hello, world!"))
        .containsExactly(9906, 11, 1917, 0);
    assertThat(tokenizer("cl100k_base").encode("hi<|endoftext|>"))
        .containsExactly(6151, 100257);
    assertThat(tokenizer("cl100k_base").tokenId("<|endoftext|>")).isEqualTo(100257);
    assertThat(tokenizer("o200k_base").tokenId("<|endoftext|>")).isEqualTo(199999);
    assertThat(tokenizer("cl100k_base").vocabSize()).isEqualTo(100277);
    assertThat(tokenizer("o200k_base").vocabSize()).isEqualTo(200019);
    assertThat(tokenizer("CL100K_BASE").name()).isEqualTo("cl100k_base");
  }

  static String longText(int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      sb.append(" word").append(i % 10);
    }
    return sb.toString();
  }

  @Test
  void neverTruncatesOrPads() {
    String text = longText(1500); // " word" + digit: two tokens per word in these vocabularies
    for (Tokenizer t : List.of(shared("llama3"), tokenizer("cl100k_base"))) {
      int[] ids = t.encode(text);
      assertThat(ids.length).as(t.name()).isGreaterThanOrEqualTo(3000);
      assertThat(t.decode(ids)).isEqualTo(text);
    }
    assertThat(shared("qwen3").encode(text).length).isGreaterThanOrEqualTo(3000);
    assertThat(shared("llama3").encode("hi", true)).hasSize(2); // BOS + "hi", no padding
    assertThat(shared("llama3").encode("")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Grüße aus Köln — naïve café", "日本語のテキストと中文文本", "emoji 🤗🚀 and\ttabs\nnewlines",
      "  leading and trailing spaces  ", "Ελληνικά, русский, العربية, हिन्दी"})
  void decodeInvertsEncode(String text) {
    for (String spec : List.of("cl100k_base", "o200k_base")) {
      Tokenizer t = tokenizer(spec);
      assertThat(t.decode(t.encode(text))).as(spec).isEqualTo(text);
    }
    for (String folder : List.of("llama3", "qwen3")) {
      Tokenizer t = shared(folder);
      assertThat(t.decode(t.encode(text))).as(folder).isEqualTo(text);
    }
  }

  @Test
  void encodesTheSameFromFourThreads() throws Exception {
    List<Tokenizer> tokenizers = List.of(shared("llama3"), shared("qwen3"), tokenizer("o200k_base"));
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      texts.add("sample " + i + ": " + longText(i % 50) + " — ünïcödé " + "数据".repeat(i % 5));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (Tokenizer t : tokenizers) {
        List<int[]> expected = texts.stream().map(t::encode).toList();
        List<Future<List<int[]>>> futures = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
          futures.add(pool.submit(() -> {
            List<int[]> out = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
              for (String text : texts) {
                out.add(t.encode(text));
              }
            }
            return out;
          }));
        }
        for (Future<List<int[]>> f : futures) {
          List<int[]> got = f.get();
          for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).as(t.name()).containsExactly(expected.get(i % texts.size()));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void survivesSerializationAndClose() throws Exception {
    for (Tokenizer t : List.of(
        Tokenizers.open(TestData.file("tokenizers/llama3").toString()),
        Tokenizers.open("o200k_base"))) {
      int[] ids = t.encode("serialize me");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(t);
      }
      t.close();
      assertThat(t.encode("serialize me")).containsExactly(ids); // re-opens after close
      try (Tokenizer copy = (Tokenizer) new ObjectInputStream(
          new ByteArrayInputStream(bytes.toByteArray())).readObject()) {
        assertThat(copy.name()).isEqualTo(t.name());
        assertThat(copy.encode("serialize me")).containsExactly(ids);
      }
      t.close();
    }
  }

  @Test
  void badSpecsFailWithOneLineNamingThePath(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nope/tokenizer.json");
    assertThatThrownBy(() -> Tokenizers.open(missing.toString()))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining(missing.toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> Tokenizers.open(dir.toString()))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining(dir.resolve("tokenizer.json").toString());
    assertThatThrownBy(() -> Tokenizers.open("cl200k_base"))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("cl200k_base");
    assertThatThrownBy(() -> Tokenizers.open(" "))
        .isInstanceOf(RefineryException.class);
    for (String content : List.of("{\"not\": \"a tokenizer\"}", "garbage {", "")) {
      Path bad = Files.writeString(dir.resolve("bad.json"), content);
      assertThatThrownBy(() -> Tokenizers.open(bad.toString()))
          .isInstanceOf(RefineryException.class)
          .hasMessageStartingWith("not a Hugging Face tokenizer: " + bad)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
