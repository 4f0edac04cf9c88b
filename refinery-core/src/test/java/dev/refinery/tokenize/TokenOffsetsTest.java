package dev.refinery.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Token spans from both backends: the ids of {@code encode}, spans in UTF-16 indices. */
class TokenOffsetsTest {
  private static final List<Tokenizer> OPENED = new ArrayList<>();

  @AfterAll
  static void close() {
    OPENED.forEach(Tokenizer::close);
  }

  static Stream<Arguments> tokenizers() {
    List<Arguments> out = new ArrayList<>();
    for (String folder : List.of("qwen3", "llama3", "mistral_v1")) {
      Tokenizer t = Tokenizers.open(
          TestData.file("tokenizers/" + folder + "/tokenizer.json").toString());
      OPENED.add(t);
      out.add(Arguments.of(folder, t));
    }
    out.add(Arguments.of("cl100k_base", Tokenizers.open("cl100k_base")));
    out.add(Arguments.of("o200k_base", Tokenizers.open("o200k_base")));
    return out.stream();
  }

  private static final List<String> TEXTS = List.of(
      "Hello, world!",
      "héllo 😀 wörld<|im_end|>\n\nTest [/INST]Hello",
      "<|start_header_id|>user<|end_header_id|>\n\n𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ∑ 数学题 🙂🙂<|eot_id|>",
      "<|endoftext|>   spaces\t\ttabs\n\n\nnewlines 日本語テキスト",
      "");

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokenizers")
  void idsEqualEncodeAndSpansStayInsideTheTextInOrder(String name, Tokenizer tok) {
    List<String> texts = new ArrayList<>(TEXTS);
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      texts.add(randomText(random));
    }
    for (String text : texts) {
      TokenOffsets o = tok.encodeWithOffsets(text);
      assertThat(o.ids()).as(text).containsExactly(tok.encode(text));
      int lastStart = 0;
      for (int t = 0; t < o.length(); t++) {
        assertThat(o.starts()[t]).as("%s token %d", text, t).isBetween(lastStart, text.length());
        assertThat(o.ends()[t]).as("%s token %d", text, t).isBetween(o.starts()[t],
            text.length());
        // Never inside a surrogate pair: the spans are whole characters.
        assertThat(o.starts()[t] > 0 && Character.isLowSurrogate(text.charAt(o.starts()[t])))
            .isFalse();
        lastStart = o.starts()[t];
      }
      if (o.length() > 0) {
        assertThat(o.ends()[o.length() - 1]).as(text).isEqualTo(text.length());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokenizers")
  void specialTokensSpanTheirOwnText(String name, Tokenizer tok) {
    String special = name.startsWith("qwen") ? "<|im_end|>" : name.startsWith("llama")
        ? "<|eot_id|>" : name.startsWith("mistral") ? "</s>" : "<|endoftext|>";
    String text = "Answer: 4." + special + "\nNext";
    TokenOffsets o = tok.encodeWithOffsets(text);
    int id = tok.tokenId(special);
    int at = -1;
    for (int t = 0; t < o.length(); t++) {
      if (o.ids()[t] == id) {
        at = t;
      }
    }
    if (name.startsWith("mistral")) {
      return; // </s> inside text is not split out as a special token by that tokenizer.json
    }
    assertThat(at).isNotNegative();
    assertThat(text.substring(o.starts()[at], o.ends()[at])).isEqualTo(special);
  }

  private static String randomText(Random random) {
    String[] pieces = {"a", "Z", " ", "\n", "\t", "é", "ß", "数", "😀", "𝔘", "<|", "|>", "ok",
        "  ", "123", ".", "'s", "ü", "—"};
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(30);
    for (int i = 0; i < n; i++) {
      sb.append(pieces[random.nextInt(pieces.length)]);
    }
    return sb.toString();
  }
}
