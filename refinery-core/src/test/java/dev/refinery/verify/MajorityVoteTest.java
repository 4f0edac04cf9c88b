package dev.refinery.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MajorityVoteTest {

  @Test
  void equivalentSpellingsVoteTogether() {
    MajorityVote.Vote vote = MajorityVote.vote(List.of("0.5", "3", "\\frac{1}{2}", "1/2", "3"));
    assertThat(vote.answer()).contains("0.5");
    assertThat(vote.agreeing()).containsExactly(0, 2, 3);
    assertThat(vote.votes()).isEqualTo(3);
    assertThat(vote.total()).isEqualTo(5);
    assertThat(vote.agreement()).isEqualTo(0.6);
    assertThat(vote.passes(0.6)).isTrue();
    assertThat(vote.passes(0.61)).isFalse();
  }

  @Test
  void responsesWithoutAnAnswerCountButNeverWin() {
    MajorityVote.Vote vote = MajorityVote.vote(Arrays.asList(null, "", "7", null));
    assertThat(vote.answer()).contains("7");
    assertThat(vote.agreeing()).containsExactly(2);
    assertThat(vote.agreement()).isEqualTo(0.25);
  }

  @Test
  void noAnswersAtAllFailsEveryThreshold() {
    MajorityVote.Vote vote = MajorityVote.vote(Arrays.asList(null, null));
    assertThat(vote.answer()).isEmpty();
    assertThat(vote.agreement()).isZero();
    assertThat(vote.passes(0)).isFalse();
    assertThat(MajorityVote.vote(List.of()).passes(0)).isFalse();
  }

  @Test
  void tiesGoToTheAnswerSeenFirst() {
    assertThat(MajorityVote.vote(List.of("2", "1", "1", "2")).answer()).contains("2");
    assertThat(MajorityVote.vote(List.of("1", "2", "2", "1")).answer()).contains("1");
  }

  @Test
  void votesOverWholeResponsesIgnoreTheTrace() {
    List<String> responses = List.of(
        "<think>\\boxed{4}</think>So \\boxed{5}",
        "<think>\\boxed{5}</think>So \\boxed{4}",
        "The answer is $\\boxed{5}$.",
        "<think>never finished \\boxed{4}");
    MajorityVote.Vote vote = MajorityVote.voteResponses(responses);
    assertThat(vote.answer()).contains("5");
    assertThat(vote.agreeing()).containsExactly(0, 2);
    assertThat(vote.agreement()).isEqualTo(0.5);
  }

  @Test
  void customEquivalenceIsUsed() {
    MajorityVote.Vote vote = MajorityVote.vote(List.of("a", "A", "b"), String::equalsIgnoreCase);
    assertThat(vote.agreeing()).containsExactly(0, 1);
  }

  @Test
  void dropReasonNamesTheAgreement() {
    MajorityVote.Vote vote = MajorityVote.vote(List.of("7", "7", "8", "9", "10"));
    assertThat(vote.dropReason(0.6))
        .contains("agreement 0.40 < 0.60: 2 of 5 responses agree on 7");
    assertThat(vote.dropReason(0.4)).isEmpty();
    assertThat(MajorityVote.vote(Arrays.asList(null, null, null)).dropReason(0))
        .contains("no final answer in 3 responses");
    assertThatThrownBy(() -> vote.dropReason(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
