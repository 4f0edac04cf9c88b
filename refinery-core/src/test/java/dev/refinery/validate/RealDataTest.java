package dev.refinery.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.dataset.Rejected;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.io.Inputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The validator on real public data from testdata. */
class RealDataTest {

  static ValidationReport validate(Path file, Format format, List<Rejected> rejects) {
    return new Validator().validate(Inputs.resolve(file.toString()), format, rejects::add);
  }

  static Format registered(String name) {
    Assumptions.assumeTrue(Formats.names().contains(name),
        "format " + name + " is not registered in this build");
    return Formats.byName(name);
  }

  @Test
  void nemoSkillsSftMessagesAreWellFormedMathWithoutIssues() {
    Path file = TestData.file("nemo-skills-samples/small_sft_messages_5.jsonl");
    List<Rejected> rejects = new ArrayList<>();
    // The rows are {"messages": [...]}: the nemotron decoder reads them, with no uuid or flags.
    ValidationReport r = validate(file, Formats.nemotron(), rejects);
    assertThat(rejects).isEmpty();
    assertThat(r.totalSamples()).isEqualTo(5);
    assertThat(r.wellFormedSamples()).isEqualTo(5);
    assertThat(r.emptySamples()).isZero();
    assertThat(r.samplesWithIssues()).isZero();
    assertThat(r.avgInputLength()).isBetween(50.0, 1000.0);
    assertThat(r.avgOutputLength()).isGreaterThan(r.avgInputLength());
  }

  @Test
  void nemoSkillsSftMessagesThroughTheOpenAiFormat() {
    Format openai = registered("openai");
    ValidationReport r = validate(
        TestData.file("nemo-skills-samples/small_sft_messages_5.jsonl"), openai,
        new ArrayList<>());
    assertThat(r.totalSamples()).isEqualTo(5);
    assertThat(r.malformedSamples()).isZero();
    assertThat(r.rule("roles_out_of_order").count()).isZero();
    assertThat(r.rule("no_assistant_turn").count()).isZero();
  }

  @Test
  void typedContentPartsAreUndecodableForNemotronButValidationGoesOn() {
    Path file = TestData.file("llamafactory-demo/v1_sft_demo.jsonl");
    List<Rejected> rejects = Collections.synchronizedList(new ArrayList<>());
    ValidationReport r = validate(file, Formats.nemotron(), rejects);
    assertThat(r.totalSamples()).isEqualTo(50);
    assertThat(r.malformedSamples()).isEqualTo(50);
    assertThat(r.malformedReasons()).containsEntry("undecodable", 50L);
    assertThat(rejects).hasSize(50);
    assertThat(rejects.get(0).reason()).contains("content");
    assertThat(r.avgInputLength()).isZero();
  }

  @Test
  void messagesRowsAreCheckedTurnByTurn() {
    Path file = TestData.file("nemo-skills-samples/small_sft_messages_5.jsonl");
    ValidationReport r = validate(file, Formats.nemotron(), new ArrayList<>());
    assertThat(r.totalSamples()).isEqualTo(5);
    assertThat(r.malformedSamples()).isZero();
    assertThat(r.rule("no_assistant_turn").count()).isZero();
  }

  @Test
  void glaiveToolCallsThroughTheShareGptFormat() {
    Format sharegpt = registered("sharegpt");
    ValidationReport r = validate(
        TestData.file("llamafactory-demo/glaive_toolcall_en_demo.json"), sharegpt,
        new ArrayList<>());
    assertThat(r.totalSamples()).isEqualTo(300);
    assertThat(r.wellFormedSamples()).isEqualTo(300);
  }

  @Test
  void identityRowsThroughTheAlpacaFormatKeepTheirTemplatePlaceholders() {
    Format alpaca = registered("alpaca");
    ValidationReport r = validate(TestData.file("llamafactory-demo/identity.json"), alpaca,
        new ArrayList<>());
    assertThat(r.totalSamples()).isEqualTo(91);
    // "I am {{name}}, an AI assistant developed by {{author}}" names no real model.
    assertThat(r.rule("self_identification").count()).isZero();
  }
}
