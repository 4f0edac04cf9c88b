package dev.refinery.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Segment;
import dev.refinery.template.Templates;
import dev.refinery.tokenize.SampleTokenizer.Loss;
import dev.refinery.tokenize.SampleTokenizer.TrainedTurns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampleTokenizerTest {
  private static final List<Tokenizer> OPENED = new ArrayList<>();

  static Sample sample(String reasoning, String... roleContent) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < roleContent.length; i += 2) {
      messages.add(Message.of(roleContent[i], roleContent[i + 1]));
    }
    return Sample.builder().uuid("u-" + roleContent.length).reasoning(reasoning)
        .messages(messages).build();
  }

  static List<Sample> samples() {
    return List.of(
        sample("off", "user", "Hi", "assistant", "Hello!"),
        sample("off", "system", "", "user", "What is 2+2?", "assistant", "4"),
        sample("on", "system", "You are a helpful and friendly AI assistant.", "user",
            "  Explain\nrecursion. ", "assistant",
            "<think>\nThe user wants recursion.\n</think>\n\nRecursion is 1) self-reference."),
        sample("off", "user", "First?", "assistant", "One.", "user", "Second?", "assistant",
            "<think>\nhmm\n</think>\n\nTwo: 2."),
        sample("off", "user", "\u00e9t\u00e9 \u2014 caf\u00e9 \ud83d\ude00", "assistant",
            "12345 67890, \"quoted\" ''' `code` \t tab."),
        sample("off", "user", "Just a prompt"));
  }

  private static Tokenizer real(String folder) {
    Tokenizer t = Tokenizers.open(
        TestData.file("tokenizers/" + folder + "/tokenizer.json").toString());
    OPENED.add(t);
    return t;
  }

  @AfterAll
  static void close() {
    OPENED.forEach(Tokenizer::close);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3", "chatml", "qwen3", "mistral", "alpaca"})
  void segmentsConcatenateToTheRenderedText(String name) {
    ChatTemplate template = Templates.builtIn(name);
    int rendered = 0;
    for (Sample s : samples()) {
      for (RenderOptions o : List.of(RenderOptions.DEFAULT,
          new RenderOptions(true, RenderOptions.Reasoning.STRIP))) {
        List<Segment> segments;
        try {
          segments = template.segments(s, o);
        } catch (RefineryException e) {
          continue; // e.g. alpaca with several turns
        }
        rendered++;
        assertThat(Segment.join(segments)).isEqualTo(template.render(s, o));
        assertThat(segments).allSatisfy(seg -> {
          assertThat(seg.text()).isNotEmpty();
          if (seg.messageIndex() >= 0) {
            assertThat(s.messages().get(seg.messageIndex()).role()).isEqualTo(seg.role());
          }
        });
      }
    }
    assertThat(rendered).isGreaterThanOrEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3", "qwen3"})
  void maskedIdsEqualTheWholeTextEncoding(String name) {
    Tokenizer tok = real(name);
    ChatTemplate template = Templates.builtIn(name);
    for (TrainedTurns turns : TrainedTurns.values()) {
      SampleTokenizer st = new SampleTokenizer(tok, template, RenderOptions.DEFAULT,
          Loss.ASSISTANT, turns);
      for (Sample s : samples()) {
        TokenizedSample t = st.tokenize(s);
        assertThat(t.inputIds()).as(s.toString())
            .isEqualTo(tok.encode(template.render(s, RenderOptions.DEFAULT)));
      }
    }
  }

  @Test
  void llama3MaskCoversAssistantContentAndEndOfTurn() {
    Tokenizer tok = real("llama3");
    ChatTemplate template = Templates.builtIn("llama3");
    Sample s = sample("off", "system", "Be brief.", "user", "First?", "assistant", "One.",
        "user", "Second?", "assistant", "Two: 2.");
    TokenizedSample all = new SampleTokenizer(tok, template, RenderOptions.DEFAULT,
        Loss.ASSISTANT, TrainedTurns.ALL).tokenize(s);
    assertThat(masked(tok, all)).containsExactly("One.<|eot_id|>", "Two: 2.<|eot_id|>");
    assertThat(tok.decode(all.inputIds())).isEqualTo(template.render(s, RenderOptions.DEFAULT));

    TokenizedSample last = new SampleTokenizer(tok, template, RenderOptions.DEFAULT,
        Loss.ASSISTANT, TrainedTurns.LAST).tokenize(s);
    assertThat(masked(tok, last)).containsExactly("Two: 2.<|eot_id|>");
    assertThat(last.inputIds()).isEqualTo(all.inputIds());

    TokenizedSample every = new SampleTokenizer(tok, template, RenderOptions.DEFAULT, Loss.ALL,
        TrainedTurns.ALL).tokenize(s);
    assertThat(every.trainedTokens()).isEqualTo(every.length());
    assertThat(every.inputIds()).isEqualTo(all.inputIds());
  }

  @Test
  void qwen3MaskEndsWithImEndAndLeavesTheNewlineOut() {
    Tokenizer tok = real("qwen3");
    Sample s = sample("off", "user", "Hi", "assistant", "Hello!");
    TokenizedSample t = new SampleTokenizer(tok, Templates.builtIn("qwen3"),
        RenderOptions.DEFAULT, Loss.ASSISTANT, TrainedTurns.ALL).tokenize(s);
    assertThat(masked(tok, t)).containsExactly("<think>\n\n</think>\n\nHello!<|im_end|>");
  }

  @Test
  void aTokenStraddlingHeaderAndReplyIsTrainedAndIdsStayThoseOfTheWholeText() {
    Tokenizer tok = real("qwen3");
    ChatTemplate chatml = Templates.builtIn("chatml");
    SampleTokenizer st = new SampleTokenizer(tok, chatml, RenderOptions.DEFAULT, Loss.ASSISTANT,
        TrainedTurns.ALL);
    Sample space = sample("off", "user", "Hi", "assistant", " Hello");
    assertThat(st.tokenize(space).inputIds())
        .isEqualTo(tok.encode(chatml.render(space, RenderOptions.DEFAULT)));
    assertThat(masked(tok, st.tokenize(space))).containsExactly(" Hello<|im_end|>");
    // The header's "\n" and the reply's "\n\n" become one token: trained, since the reply needs it.
    Sample newlines = sample("off", "user", "Hi", "assistant", "\n\nHello");
    TokenizedSample t = st.tokenize(newlines);
    assertThat(t.inputIds()).isEqualTo(tok.encode(chatml.render(newlines,
        RenderOptions.DEFAULT)));
    assertThat(masked(tok, t)).containsExactly("\n\n\nHello<|im_end|>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mistral", "alpaca"})
  void templatesWithoutSpecialTokenBoundariesGetExactReplyMasks(String name) {
    Tokenizer tok = real("mistral_v1");
    ChatTemplate template = Templates.builtIn(name);
    Sample s = sample("off", "user", "What is 2+2? Answer in words.", "assistant",
        "Four, naturally.");
    TokenizedSample t = new SampleTokenizer(tok, template, RenderOptions.DEFAULT, Loss.ASSISTANT,
        TrainedTurns.ALL).tokenize(s);
    assertThat(t.inputIds()).isEqualTo(tok.encode(template.render(s, RenderOptions.DEFAULT)));
    assertThat(String.join("", masked(tok, t))).contains("Four, naturally.")
        .doesNotContain("2+2");
  }

  @Test
  void modelsOwnJinjaTemplatesGetAssistantMasksAndTheBuiltInsIds() {
    Tokenizer qwen = real("qwen3");
    ChatTemplate jinja = Templates.resolve(TestData.file("tokenizers/qwen3").toString());
    Sample multi = sample("off", "system", "Be brief.", "user", "First?", "assistant", "One.",
        "user", "Second?", "assistant", "<think>\nhmm\n</think>\n\nTwo: 2.");
    TokenizedSample t = new SampleTokenizer(qwen, jinja, RenderOptions.DEFAULT, Loss.ASSISTANT,
        TrainedTurns.ALL).tokenize(multi);
    // The last turn's trace stays (it follows the last user query); earlier turns have none.
    assertThat(masked(qwen, t)).containsExactly("One.<|im_end|>",
        "<think>\nhmm\n</think>\n\nTwo: 2.<|im_end|>");
    TokenizedSample builtIn = new SampleTokenizer(qwen, Templates.builtIn("qwen3"),
        RenderOptions.DEFAULT, Loss.ASSISTANT, TrainedTurns.ALL).tokenize(multi);
    assertThat(t).isEqualTo(builtIn);

    Tokenizer llama = real("llama3");
    ChatTemplate llamaJinja = Templates.resolve(
        TestData.file("tokenizers/llama3/tokenizer_config.json").toString());
    for (Sample s : samples()) {
      if (s.finalAssistant() == null) {
        continue;
      }
      TokenizedSample viaJinja = new SampleTokenizer(llama, llamaJinja, RenderOptions.DEFAULT,
          Loss.ASSISTANT, TrainedTurns.LAST).tokenize(s);
      TokenizedSample viaBuiltIn = new SampleTokenizer(llama, Templates.builtIn("llama3"),
          RenderOptions.DEFAULT, Loss.ASSISTANT, TrainedTurns.LAST).tokenize(s);
      assertThat(viaJinja).as(s.uuid()).isEqualTo(viaBuiltIn);
      assertThat(String.join("", masked(llama, viaJinja)))
          .isEqualTo(s.finalAssistant().content().strip() + "<|eot_id|>");
    }
  }

  /** The decoded text of each run of trained tokens. */
  static List<String> masked(Tokenizer tok, TokenizedSample t) {
    List<String> runs = new ArrayList<>();
    int i = 0;
    while (i < t.length()) {
      if (t.lossMask()[i] == 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < t.length() && t.lossMask()[j] == 1) {
        j++;
      }
      runs.add(tok.decode(Arrays.copyOfRange(t.inputIds(), i, j)));
      i = j;
    }
    return runs;
  }
}
