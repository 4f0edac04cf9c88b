package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionStepsTest {
  private static final Path BASE = Path.of("/tmp");

  private static MapStep step(String step) {
    PipelineSpec spec = PipelineSpec.parse("p.yaml", "input: {path: in}\nsteps:\n" + step
        + "output: {path: out}\n", BASE);
    return (MapStep) StepTypes.compile(spec.steps().get(0), BASE);
  }

  /** What a step did to a list of rows: what it passed on, dropped (reason and detail), counted. */
  private static final class Run implements StepContext {
    final List<Sample> out = new ArrayList<>();
    final List<String> drops = new ArrayList<>();
    final Map<String, Long> counted = new LinkedHashMap<>();

    Run(MapStep step, Sample... rows) {
      Iterator<Sample> it = step.apply(List.of(rows).iterator(), this);
      it.forEachRemaining(out::add);
    }

    @Override
    public int partition() {
      return 0;
    }

    @Override
    public long seed() {
      return 42;
    }

    @Override
    public void drop(Sample sample, String reason, String detail) {
      drops.add(sample.uuid() + " " + reason + (detail == null ? "" : " " + detail));
    }

    @Override
    public void count(String what) {
      counted.merge(what, 1L, Long::sum);
    }
  }

  private static Sample row(String uuid, String category, String metadata, String... turns) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < turns.length; i++) {
      messages.add(Message.of(i % 2 == 0 ? "user" : "assistant", turns[i]));
    }
    return Sample.builder().uuid(uuid).category(category).metadata(metadata).messages(messages)
        .build();
  }

  private static final Sample MATH = row("m", "math", "{\"source\":\"gsm8k\"}", "2+2?",
      "\\boxed{4}");
  private static final Sample CHAT = row("c", "chat", null, "hi", "hello", "how are you?",
      "fine, thanks for asking, and you? This answer is rather long on purpose.");

  @Test
  void whereKeepsTruthyRowsAndNamesWhyOthersWentAway() {
    Run r = new Run(step("  - filter: {where: \"len(messages) > 2 or category == 'math'\"}\n"),
        MATH, CHAT, row("x", "code", null, "q", "a"));
    assertThat(r.out).extracting(Sample::uuid).containsExactly("m", "c");
    assertThat(r.drops).containsExactly("x where_false");

    r = new Run(step("  - filter: {where: \"messages[-1].content | length > 40\"}\n"), MATH, CHAT);
    assertThat(r.out).extracting(Sample::uuid).containsExactly("c");
    r = new Run(step("  - filter: {where: \"metadata.source | default('web') == 'web'\"}\n"),
        MATH, CHAT);
    assertThat(r.out).extracting(Sample::uuid).containsExactly("c");
    // Python truthiness: an empty string or list, zero, none and undefined are false.
    r = new Run(step("  - filter: {where: \"metadata.source\"}\n"), MATH, CHAT);
    assertThat(r.out).extracting(Sample::uuid).containsExactly("m");
  }

  @Test
  void aRowTheExpressionFailsOnIsDroppedWithTheErrorTheOthersGoOn() {
    Run r = new Run(step("  - filter: {where: \"category + 1\"}\n"), MATH);
    assertThat(r.out).isEmpty();
    assertThat(r.drops).singleElement().asString().startsWith("m where_error ")
        .contains("str");
    Sample noMeta = row("n", "math", "not json", "q");
    r = new Run(step("  - filter: {where: \"metadata.startswith('not')\"}\n"), noMeta, MATH);
    assertThat(r.out).extracting(Sample::uuid).containsExactly("n");
  }

  @Test
  void messagesCarryToolCallsAndExtrasAndExtraColumnsAreInScope() {
    Message call = new Message("assistant", null,
        List.of(ToolCall.of("c1", "lookup", "{\"city\":\"Oslo\"}")),
        Map.of("reasoning_content", "think"));
    Sample s = Sample.builder().uuid("t").messages(List.of(Message.of("user", "weather?"), call))
        .extra(Map.of("source", "glaive", "score", 0.5)).build();
    Run r = new Run(step("  - filter: {where: \"messages[1].tool_calls[0].function.name == "
        + "'lookup' and messages[1].reasoning_content == 'think' and source == 'glaive' "
        + "and score > 0.25 and messages[1].content is none\"}\n"), s);
    assertThat(r.out).hasSize(1);
  }

  @Test
  void mapSetsFieldsFromTheRowAsItCameInAndCountsWhatChanged() {
    MapStep map = step("""
          - map:
              set:
                category: "'math' if 'boxed' in messages[-1].content else category"
                license: "'CC BY 4.0'"
                generator: "category"
                metadata.source: "metadata.source | default('web')"
                metadata.turns.total: "len(messages)"
        """);
    Run r = new Run(map, MATH, CHAT);
    assertThat(r.drops).isEmpty();
    Sample m = r.out.get(0);
    assertThat(m.category()).isEqualTo("math");
    assertThat(m.license()).isEqualTo("CC BY 4.0");
    assertThat(m.generator()).isEqualTo("math");
    assertThat(m.metadata()).isEqualTo("{\"source\":\"gsm8k\",\"turns\":{\"total\":2}}");
    Sample c = r.out.get(1);
    // generator reads the category as it came in, not the one set beside it.
    assertThat(c.category()).isEqualTo("chat");
    assertThat(c.generator()).isEqualTo("chat");
    assertThat(c.metadata()).isEqualTo("{\"source\":\"web\",\"turns\":{\"total\":4}}");
    assertThat(r.counted).containsEntry("changed_license", 2L)
        .containsEntry("changed_generator", 2L).containsEntry("changed_metadata", 2L)
        .doesNotContainKey("changed_category");

    Run whole = new Run(step("  - map: {set: {metadata: \"{'b': [1, none], 'a': 0.5}\", "
        + "reasoning: \"none\"}}\n"), MATH, CHAT);
    assertThat(whole.out).extracting(Sample::metadata)
        .containsOnly("{\"b\":[1,null],\"a\":0.5}");
    assertThat(whole.out).extracting(Sample::reasoning).containsOnlyNulls();

    Run again = new Run(step("  - map: {set: {category: \"category\"}}\n"), MATH);
    assertThat(again.out.get(0)).isSameAs(MATH);
    assertThat(again.counted).containsExactly(Map.entry("unchanged", 1L));
  }

  @Test
  void aColumnMovesIntoMetadata() {
    Sample s = MATH.toBuilder().extra(Map.of("source_url", "https://x.org", "keep", 1L)).build();
    Run r = new Run(step("  - map: {set: {metadata.url: source_url}, drop: [source_url]}\n"), s);
    assertThat(r.out.get(0).metadata()).isEqualTo(
        "{\"source\":\"gsm8k\",\"url\":\"https://x.org\"}");
    assertThat(r.out.get(0).extra()).containsExactly(Map.entry("keep", 1L));
    assertThat(r.counted).containsEntry("dropped_source_url", 1L)
        .containsEntry("changed_metadata", 1L);
  }

  @Test
  void aValueAFieldCannotHoldDropsTheRowNamingTheField() {
    Run r = new Run(step("  - map: {set: {category: \"len(messages)\"}}\n"), MATH);
    assertThat(r.drops).containsExactly("m set_error category: expected a string or none, got "
        + "int");
    r = new Run(step("  - map: {set: {category: \"metadata.topic\"}}\n"), MATH);
    assertThat(r.drops).singleElement().asString()
        .startsWith("m set_error category: the value is undefined");
    r = new Run(step("  - map: {set: {license: \"'a' + 1\"}}\n"), MATH);
    assertThat(r.drops).singleElement().asString().startsWith("m set_error license: ");
    r = new Run(step("  - map: {set: {metadata.x: \"1\"}}\n"), row("bad", null, "[1]", "q"));
    assertThat(r.drops).containsExactly("bad set_error metadata.x: metadata is not a JSON "
        + "object");
  }

  @Test
  void compileErrorsNameTheLineKeyAndColumn() {
    assertThatThrownBy(() -> step("  - filter: {where: \"len(messages)) > 2\"}\n"))
        .hasMessage("p.yaml:3 steps[0].filter.where: col 14: unexpected ')'");
    assertThatThrownBy(() -> step("""
          - map:
              set:
                license: "'x'"
                category: "category | lenght"
        """)).hasMessage("p.yaml:6 steps[0].map.set.category: col 12: no filter named 'lenght'");
    assertThatThrownBy(() -> step("  - filter: {where: \"x\", name: structure}\n"))
        .hasMessageStartingWith("p.yaml:3 steps[0].filter.name: a filter with 'where' takes no "
            + "'name'");
    assertThatThrownBy(() -> step("  - map: {set: {messages: \"[]\"}}\n"))
        .hasMessageStartingWith("p.yaml:3 steps[0].map.set.messages: messages cannot be set");
    assertThatThrownBy(() -> step("  - map: {set: {a.b: \"1\"}}\n"))
        .hasMessageStartingWith("p.yaml:3 steps[0].map.set.a.b: 'a.b' is not a field");
    assertThatThrownBy(() -> step("  - map: {set: {category: \"'x'\"}, drop: [category]}\n"))
        .hasMessageStartingWith("p.yaml:3 steps[0].map.drop: 'category' is not an extra column");
    assertThatThrownBy(() -> step("  - map: {set: {}}\n"))
        .hasMessageStartingWith("p.yaml:3 steps[0].map.set: expected a map of strings");
    assertThatThrownBy(() -> step("  - map: {set: {category: 3}}\n"))
        .hasMessageStartingWith("p.yaml:3 steps[0].map.set.category: expected a string");
  }

  @Test
  void stepsSurviveSerializationAndGiveTheSameOutput() throws Exception {
    for (String yaml : List.of("  - filter: {where: \"category == 'math'\"}\n",
        "  - map: {set: {license: \"category ~ '-licence'\"}}\n")) {
      MapStep s = step(yaml);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(s);
      }
      MapStep back;
      try (ObjectInputStream in = new ObjectInputStream(
          new ByteArrayInputStream(bytes.toByteArray()))) {
        back = (MapStep) in.readObject();
      }
      assertThat(new Run(back, MATH, CHAT).out).isEqualTo(new Run(s, MATH, CHAT).out);
      assertThat(back.name()).isEqualTo(s.name());
    }
  }
}
