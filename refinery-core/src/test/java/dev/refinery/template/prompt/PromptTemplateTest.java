package dev.refinery.template.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptTemplateTest {
  @TempDir static Path dir;
  static List<Sample> demo = new ArrayList<>();

  @BeforeAll
  static void demoData() throws Exception {
    SampleData.write(dir, SampleData.Spec.of(400, 11).withFileKind(FileKind.JSONL));
    try (SampleReader r = SampleReader.open(Inputs.resolve(dir.toString()), Formats.nemotron(),
        RejectHandler.FAIL)) {
      r.forEachRemaining(demo::add);
    }
  }

  private static Sample sample(String category, String reasoning, Message... messages) {
    return Sample.builder().uuid("u1").category(category).reasoning(reasoning)
        .messages(List.of(messages)).build();
  }

  @Test
  void placeholdersAreCheckedAndBracesEscape() {
    assertThat(PromptTemplate.of("t", "Q: {prompt}\nA:", null).wrap("2+2?")).isEqualTo(
        "Q: 2+2?\nA:");
    assertThat(PromptTemplate.of("t", "Box it: \\boxed{{}}. {problem}", null).wrap("x"))
        .isEqualTo("Box it: \\boxed{}. x");
    assertThat(PromptTemplate.of("t", "Box it: \\boxed{}. {problem}", null).wrap("x"))
        .isEqualTo("Box it: \\boxed{}. x");
    assertThatThrownBy(() -> PromptTemplate.of("t", "Solve {question}", null))
        .hasMessageStartingWith("unknown placeholder '{question}'; use {prompt} or {problem}");
    assertThatThrownBy(() -> PromptTemplate.of("t", "Solve this.", null))
        .hasMessageStartingWith("the template has no {prompt} placeholder");
    assertThatThrownBy(() -> PromptTemplate.of("t", "{prompt} and {problem}", null))
        .hasMessageStartingWith("the template has more than one placeholder");
  }

  @Test
  void theCardsMathTemplateGoesBeforeTheProblemWithABlankLine() {
    Sample s = sample("math", "on", Message.of("user", "What is 2+2?"),
        Message.of("assistant", "4"));
    List<String> tally = new ArrayList<>();
    Sample t = PromptTemplates.auto().apply(s, tally::add);
    assertThat(t.messages().get(0).content()).isEqualTo("Solve the following math problem. "
        + "Explain your reasoning and put the final answer in \\boxed{}.\n\nWhat is 2+2?");
    assertThat(t.messages().get(1)).isEqualTo(s.messages().get(1));
    assertThat(tally).containsExactly("template_applied");
    List<String> again = new ArrayList<>();
    assertThat(PromptTemplates.auto().apply(t, again::add)).isSameAs(t);
    assertThat(again).containsExactly("template_present");
  }

  @Test
  void onlyTheFirstUserTurnIsTemplated() {
    Sample s = sample("stem", "off", Message.of("user", "a"), Message.of("assistant", "b"),
        Message.of("user", "c"), Message.of("assistant", "d"));
    Sample t = PromptTemplates.parse("stem").apply(s, k -> { });
    assertThat(t.messages()).extracting(Message::content).containsExactly(
        PromptTemplates.STEM_INSTRUCTION + "\n\na", "b", "c", "d");
  }

  @Test
  void chatGetsTheCardsSystemPromptOnlyWhereThereIsNone() {
    List<String> tally = new ArrayList<>();
    Sample bare = sample("chat", "off", Message.of("user", "hi"), Message.of("assistant", "yo"));
    Sample empty = sample("chat", "off", Message.of("system", ""), Message.of("user", "hi"));
    Sample own = sample("chat", "off", Message.of("system", "Be terse."), Message.of("user", "hi"));
    PromptTemplates auto = PromptTemplates.auto();
    assertThat(auto.apply(bare, tally::add).messages().get(0))
        .isEqualTo(Message.of("system", PromptTemplates.CHAT_SYSTEM_PROMPT));
    assertThat(auto.apply(empty, tally::add).messages()).hasSize(2)
        .first().isEqualTo(Message.of("system", PromptTemplates.CHAT_SYSTEM_PROMPT));
    assertThat(auto.apply(own, tally::add)).isSameAs(own);
    assertThat(tally).containsExactly("system_prompt_set", "system_prompt_set",
        "system_prompt_kept");
  }

  @Test
  void autoTemplatesTheDemoDataByCategoryAndLeavesToolCallingAlone() {
    PromptOptions.Tally tally = new PromptOptions.Tally();
    long toolRows = 0;
    for (Sample s : demo) {
      Sample t = PromptTemplates.auto().apply(s, tally);
      String first = t.firstUserPrompt();
      switch (String.valueOf(s.category())) {
        case "math" -> assertThat(first).startsWith(PromptTemplates.MATH_INSTRUCTION + "\n\n");
        case "code" -> assertThat(first).startsWith(PromptTemplates.CODE_INSTRUCTION + "\n\n");
        case "stem" -> assertThat(first).startsWith(PromptTemplates.STEM_INSTRUCTION + "\n\n");
        case "tool_calling" -> {
          toolRows++;
          assertThat(t).isSameAs(s);
        }
        default -> { }
      }
      // Assistant turns are never touched.
      assertThat(t.messages().stream().filter(Message::isAssistant).toList())
          .isEqualTo(s.messages().stream().filter(Message::isAssistant).toList());
    }
    assertThat(toolRows).isPositive();
    assertThat(tally.counts()).containsEntry("no_template", toolRows)
        .containsKeys("template_applied", "system_prompt_set");
  }
}
