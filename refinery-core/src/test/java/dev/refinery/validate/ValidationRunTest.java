package dev.refinery.validate;

import static dev.refinery.validate.RulesTest.assistant;
import static dev.refinery.validate.RulesTest.calls;
import static dev.refinery.validate.RulesTest.sample;
import static dev.refinery.validate.RulesTest.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ValidationRunTest {

  static ValidationReport check(Sample... samples) {
    ValidationRun run = new Validator().newRun();
    return run.finish(List.of(run.partition(0, List.of(samples).iterator())));
  }

  @Test
  void documentedPlaceholdersCountAsExternalPromptsNotEmpty() {
    ValidationReport r = check(
        sample("chat", "off", user(""), assistant("Sure.")),
        sample("chat", "off", user("  "), assistant("Sure.")),
        sample("code", "off", user("-"), assistant("```\nx\n```")),
        sample("code", "off", user(" - "), assistant("```\nx\n```")));
    assertThat(r.externalPromptSamples()).isEqualTo(4);
    assertThat(r.emptySamples()).isZero();
  }

  @Test
  void blankTurnsElsewhereAreEmpty() {
    ValidationReport r = check(
        sample("stem", "off", user(""), assistant("A.")),
        sample("code", "off", user(""), assistant("```\nx\n```")),
        sample("math", "off", user("-"), assistant("\\boxed{1}")).withUuid("dash-is-fine"),
        sample("chat", "off", user("q"), assistant(" \n")),
        sample("chat", "off", user(""), assistant("")));
    // "-" is a placeholder only for code; it is not blank, so the math row is not empty.
    assertThat(r.emptySamples()).isEqualTo(4);
    assertThat(r.externalPromptSamples()).as("the chat row with both turns blank").isEqualTo(1);
  }

  @Test
  void aFinalTurnThatIsOnlyAThinkBlockIsEmpty() {
    ValidationReport r = check(
        sample("stem", "on", user("q"), assistant("<think>abc</think>")).withUuid("think-only"),
        sample("stem", "off", user("q"), assistant("<think></think>\n")).withUuid("empty-block"),
        sample("stem", "on", user("q"), assistant("<think>abc</think> A.")).withUuid("answered"),
        sample("stem", "on", user("q"), assistant("<think>cut off")).withUuid("unterminated"),
        sample("stem", "on", user("q"), assistant("<think>t</think>"), user("q2"),
            assistant("<think>t</think>B.")).withUuid("earlier-turn"));
    assertThat(r.emptySamples()).isEqualTo(2);
    // The unterminated block is broken_think_block's, not empty as well.
    assertThat(r.rule("broken_think_block").examples()).containsExactly("unterminated");
  }

  @Test
  void anAssistantTurnThatCallsToolsIsNotEmpty() {
    ValidationReport r = check(RulesTest.withMetadata("{\"tools\":[{\"name\":\"f\"}]}",
        user("q"), calls(ToolCall.of("1", "f", "{}")), RulesTest.tool("r"), assistant("ok")));
    assertThat(r.emptySamples()).isZero();
    assertThat(r.samplesWithIssues()).isZero();
  }

  @Test
  void schemaBreaksTheDecoderAllowsAreMalformedAndSkipRules() {
    ValidationReport r = check(
        sample("chat", "yes", user("q"), assistant("a")),
        sample("chat", "off"),
        sample("chat", "off", user("q"), RulesTest.tool("t").withContent("x"),
            new dev.refinery.sample.Message("function", "f", null, null)),
        sample(null, null, user("q"), assistant("a")));
    assertThat(r.malformedSamples()).isEqualTo(3);
    assertThat(r.malformedReasons()).containsExactly(
        java.util.Map.entry("reasoning_not_on_off", 1L), java.util.Map.entry("no_messages", 1L),
        java.util.Map.entry("unknown_role", 1L));
    assertThat(r.wellFormedSamples()).as("a null reasoning is allowed").isEqualTo(1);
    assertThat(r.samplesWithIssues()).isZero();
  }

  @Test
  void lengthsAreCodePointsOfFirstUserTurnAndWholeFinalAssistantTurn() {
    ValidationReport r = check(
        sample("chat", "on", user("😀😀"), assistant("first"), user("second question"),
            assistant("<think>t</think>ok")),
        sample("chat", "off", user("abcd")));
    assertThat(r.inputCodePoints()).isEqualTo(2 + 4);
    assertThat(r.outputCodePoints()).isEqualTo("<think>t</think>ok".length());
    assertThat(r.avgInputLength()).isEqualTo(3.0);
  }

  @Test
  void examplesAreTheFirstFiveInInputOrder() {
    Sample[] rows = new Sample[7];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = sample("math", "off", user("q"), assistant("no box")).withUuid("m" + i);
    }
    RuleTally t = check(rows).rule("math_without_boxed");
    assertThat(t.count()).isEqualTo(7);
    assertThat(t.examples()).containsExactly("m0", "m1", "m2", "m3", "m4");
  }

  @Test
  @SuppressWarnings("unchecked")
  void emptyAndMalformedSamplesHaveTheirFirstFiveExamplesToo() throws Exception {
    List<Sample> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      rows.add(sample("chat", "off", user("q"), assistant(" ")).withUuid("e" + i));
      rows.add(sample("chat", "maybe", user("q"), assistant("a")).withUuid("r" + i));
    }
    rows.add(sample("chat", "off").withUuid("no-messages"));
    ValidationRun run = new Validator().newRun();
    // Two partitions: the examples of the second follow the first's, still five at most.
    ValidationReport r = run.finish(List.of(run.partition(0, rows.subList(0, 3).iterator()),
        run.partition(1, rows.subList(3, rows.size()).iterator())));
    assertThat(r.emptyExamples()).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(r.malformedExamples()).containsExactly(
        java.util.Map.entry("reasoning_not_on_off", List.of("r0", "r1", "r2", "r3", "r4")),
        java.util.Map.entry("no_messages", List.of("no-messages")));
    java.util.Map<String, Object> json =
        (java.util.Map<String, Object>) dev.refinery.internal.Json.parse(r.toJson());
    assertThat(json.keySet()).containsSubsequence("malformed_reasons", "malformed_examples",
        "empty_samples", "empty_examples", "external_prompt_samples");
    assertThat(json.get("empty_examples")).isEqualTo(List.of("e0", "e1", "e2", "e3", "e4"));
    assertThat((java.util.Map<String, Object>) json.get("malformed_examples"))
        .containsEntry("no_messages", List.of("no-messages"));
  }

  /** Splitting the input into partitions anywhere gives the same report as one partition. */
  @Property(tries = 50)
  void partitionsAddUpToTheWhole(@ForAll @IntRange(min = 0, max = 12) int cut) {
    List<Sample> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Sample s = switch (i % 4) {
        case 0 -> sample("math", "off", user("q" + i), assistant("no box"));
        case 1 -> sample("chat", "off", user(""), assistant("a"));
        case 2 -> sample("chat", "maybe", user("q"), assistant("a"));
        default -> sample("code", "on", user("q"), assistant("```x```"));
      };
      rows.add(s.withUuid("id" + (i % 5)));
    }
    ValidationRun whole = new Validator().newRun();
    ValidationReport one = whole.finish(List.of(whole.partition(0, rows.iterator())));
    ValidationRun split = new Validator().newRun();
    // The later partition is checked first, as a parallel run may do.
    ValidationReport second = split.partition(1, rows.subList(cut, rows.size()).iterator());
    ValidationReport first = split.partition(0, rows.subList(0, cut).iterator());
    assertThat(split.finish(List.of(first, second))).isEqualTo(one);
  }
}
