package dev.refinery.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BoxedAnswerTest {

  @Test
  void nestedBracesAreKept() {
    assertThat(BoxedAnswer.last("so $\\boxed{\\frac{1}{\\sqrt{2}}}$."))
        .contains("\\frac{1}{\\sqrt{2}}");
  }

  @Test
  void escapedBracesDoNotCloseTheBox() {
    assertThat(BoxedAnswer.last("\\boxed{\\{1, 2\\}}")).contains("\\{1, 2\\}");
  }

  @Test
  void theLastOfSeveralBoxesWins() {
    assertThat(BoxedAnswer.last("first \\boxed{3}, then \\fbox{4} and finally \\boxed{5}"))
        .contains("5");
    assertThat(BoxedAnswer.all("\\boxed{3} \\fbox{4} \\boxed{5}")).containsExactly("3", "4", "5");
  }

  @Test
  void boxWithoutBracesRunsToTheNextSpaceOrDollar() {
    assertThat(BoxedAnswer.last("the answer is $\\boxed 5$")).contains("5");
    assertThat(BoxedAnswer.last("\\boxed 12 apples")).contains("12");
  }

  @Test
  void unbalancedOrMissingBoxGivesNothing() {
    assertThat(BoxedAnswer.last("\\boxed{\\frac{1}{2}")).isEmpty();
    assertThat(BoxedAnswer.last("no box here")).isEmpty();
    assertThat(BoxedAnswer.last(null)).isEmpty();
    assertThat(BoxedAnswer.last("\\boxedsymbol{3}")).isEmpty();
  }

  @Test
  void boxesInsideTheThinkTraceAreIgnored() {
    String response = "<think>maybe \\boxed{3}? no, \\boxed{4}</think>The answer is \\boxed{5}.";
    assertThat(BoxedAnswer.finalAnswer(response)).contains("5");
    assertThat(BoxedAnswer.finalAnswer("<think>it is \\boxed{3}</think>I am not sure."))
        .isEmpty();
  }

  @Test
  void anUnterminatedTraceHasNoAnswer() {
    assertThat(BoxedAnswer.finalAnswer("<think>so \\boxed{3} and then I ran out of tokens"))
        .isEmpty();
  }

  @Test
  void aTraceWithoutOpeningTagIsStillSkipped() {
    assertThat(BoxedAnswer.finalAnswer("scratch \\boxed{1}</think>final \\boxed{2}"))
        .isEqualTo(Optional.of("2"));
  }

  @Test
  void responseWithoutThinkBlockUsesItsWholeText() {
    assertThat(BoxedAnswer.finalAnswer("We get $x = \\boxed{7}$")).contains("7");
  }

  @Test
  void aSampleIsJudgedByItsLastAssistantTurn() {
    Sample sample = Sample.builder().reasoning(Sample.REASONING_ON).messages(List.of(
        Message.of(Message.USER, "What is 2+2?"),
        Message.of(Message.ASSISTANT, "<think>\\boxed{5}?</think>\\boxed{4}"),
        Message.of(Message.USER, "And 3+3?"),
        Message.of(Message.ASSISTANT, "<think>3+3=6</think>It is $\\boxed{6}$."))).build();
    assertThat(BoxedAnswer.finalAnswer(sample)).contains("6");
    Sample unanswered = Sample.builder().messages(List.of(Message.of(Message.USER, "hi")))
        .build();
    assertThat(BoxedAnswer.finalAnswer(unanswered)).isEmpty();
  }
}
