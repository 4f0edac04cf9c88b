package dev.refinery.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Self-consistency over several responses to one prompt: their final answers are grouped by
 * equivalence and the largest group wins.
 *
 * <p>Grouping is greedy in input order: an answer joins the first group whose first answer it is
 * equivalent to, else starts a new group (equivalence with numeric tolerance is not transitive, so
 * each group is judged by its first member). Ties go to the group formed first, so the result
 * depends only on the order of the responses, never on hashing. A response without a final answer
 * (null or empty) counts in the total but never votes.
 */
public final class MajorityVote {
  private MajorityVote() {}

  /**
   * The outcome of a vote.
   *
   * @param answer the winning answer as first written (empty when no response had an answer)
   * @param agreeing indices (into the voted list, ascending) of the responses in the winning group
   * @param total number of responses, answered or not
   */
  public record Vote(Optional<String> answer, List<Integer> agreeing, int total) {
    public Vote {
      Objects.requireNonNull(answer, "answer");
      agreeing = List.copyOf(agreeing);
    }

    public int votes() {
      return agreeing.size();
    }

    /** Share of all responses (unanswered included) that agree with the winner; 0 when none. */
    public double agreement() {
      return total == 0 ? 0 : (double) agreeing.size() / total;
    }

    /** Whether the prompt is kept: an answer exists and agreement reaches {@code minAgreement}. */
    public boolean passes(double minAgreement) {
      return dropReason(minAgreement).isEmpty();
    }

    /**
     * Why the prompt is dropped at {@code minAgreement} (in [0, 1]), or empty when it is kept;
     * worded for a rejects file, e.g. {@code "agreement 0.40 < 0.60: 2 of 5 responses agree on 7"}.
     */
    public Optional<String> dropReason(double minAgreement) {
      if (!(minAgreement >= 0 && minAgreement <= 1)) {
        throw new IllegalArgumentException("minimum agreement must be in [0, 1]: "
            + minAgreement);
      }
      if (answer.isEmpty()) {
        return Optional.of("no final answer in " + total + " responses");
      }
      if (agreement() >= minAgreement) {
        return Optional.empty();
      }
      return Optional.of(String.format(Locale.ROOT,
          "agreement %.2f < %.2f: %d of %d responses agree on %s", agreement(), minAgreement,
          votes(), total, answer.get()));
    }
  }

  /** Votes with {@link MathGrader#standard()} equivalence. */
  public static Vote vote(List<String> answers) {
    MathGrader grader = MathGrader.standard();
    return vote(answers, grader::equivalent);
  }

  /** Votes over final answers (null or blank = no answer) with the given equivalence. */
  public static Vote vote(List<String> answers, BiPredicate<String, String> equivalent) {
    List<List<Integer>> groups = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      String answer = answers.get(i);
      if (answer == null || answer.isBlank()) {
        continue;
      }
      List<Integer> home = null;
      for (List<Integer> group : groups) {
        if (equivalent.test(answers.get(group.get(0)), answer)) {
          home = group;
          break;
        }
      }
      if (home == null) {
        home = new ArrayList<>();
        groups.add(home);
      }
      home.add(i);
    }
    List<Integer> best = List.of();
    for (List<Integer> group : groups) {
      if (group.size() > best.size()) {
        best = group;
      }
    }
    Optional<String> winner = best.isEmpty() ? Optional.empty()
        : Optional.of(answers.get(best.get(0)));
    return new Vote(winner, best, answers.size());
  }

  /** Votes over whole responses: each one's {@link BoxedAnswer#finalAnswer final answer}. */
  public static Vote voteResponses(List<String> responses) {
    List<String> answers = new ArrayList<>(responses.size());
    for (String response : responses) {
      answers.add(BoxedAnswer.finalAnswer(response).orElse(null));
    }
    return vote(answers);
  }
}
