package dev.refinery.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MajorityVotePropertiesTest {

  /** A response's answer: an integer value (null = no answer) and a spelling of it. */
  record Answer(Integer value, int spelling) {
    String text() {
      if (value == null) {
        return null;
      }
      return switch (spelling) {
        case 0 -> String.valueOf(value);
        case 1 -> value + ".0";
        case 2 -> "\\frac{" + (2 * value) + "}{2}";
        default -> "$" + value + "$";
      };
    }
  }

  @Property(tries = 300)
  void theWinnerIsTheMostFrequentValueWhateverItsSpelling(
      @ForAll("answers") List<Answer> answers) {
    Map<Integer, Integer> counts = new LinkedHashMap<>(); // first appearance order
    List<String> texts = new ArrayList<>();
    for (Answer a : answers) {
      texts.add(a.text());
      if (a.value() != null) {
        counts.merge(a.value(), 1, Integer::sum);
      }
    }
    MajorityVote.Vote vote = MajorityVote.vote(texts);
    assertThat(vote.total()).isEqualTo(answers.size());
    if (counts.isEmpty()) {
      assertThat(vote.answer()).isEmpty();
      assertThat(vote.agreeing()).isEmpty();
      return;
    }
    int best = counts.values().stream().max(Integer::compare).orElseThrow();
    Integer expected = counts.entrySet().stream().filter(e -> e.getValue() == best)
        .findFirst().orElseThrow().getKey();
    assertThat(vote.votes()).isEqualTo(best);
    assertThat(vote.agreement()).isEqualTo((double) best / answers.size());
    for (int i : vote.agreeing()) {
      assertThat(answers.get(i).value()).isEqualTo(expected);
    }
    assertThat(vote.agreeing()).isSorted();
  }

  @Provide
  Arbitrary<List<Answer>> answers() {
    Arbitrary<Integer> values = Arbitraries.integers().between(-3, 3).injectNull(0.15);
    Arbitrary<Answer> answer = Combinators.combine(values,
        Arbitraries.integers().between(0, 3)).as(Answer::new);
    return answer.list().ofMaxSize(12);
  }
}
