package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class NemotronRoundTripTest {
  private final Format nemotron = Formats.nemotron();

  @Property(tries = 300)
  void encodeThenDecodeGivesTheSameSample(@ForAll("samples") Sample sample) {
    Map<String, Object> row = nemotron.encode(sample);
    assertThat(nemotron.decode(row)).isEqualTo(sample);
    // Also through JSON text, as a JSONL file holds it.
    assertThat(nemotron.decode(Rows.parse(Json.write(row)))).isEqualTo(sample);
  }

  @Property(tries = 200)
  void openAiEncodeThenDecodeKeepsTheConversation(@ForAll("samples") Sample sample) {
    Format openai = Formats.byName("openai");
    Sample back = openai.decode(Rows.parse(Json.write(openai.encode(sample))));
    // OpenAI form: no empty tool_calls lists, and every call has an id (call_<n> when the
    // source had none); everything else of each call comes back as it was.
    assertThat(back.messages()).extracting(Message::role, Message::content,
            m -> withoutIds(m.toolCalls()))
        .isEqualTo(sample.messages().stream()
            .map(m -> org.assertj.core.groups.Tuple.tuple(m.role(), m.content(),
                withoutIds(m.toolCalls())))
            .toList());
    List<String> given = ids(sample.messages());
    List<String> written = ids(back.messages());
    assertThat(written).hasSameSizeAs(given).doesNotContainNull();
    for (int i = 0; i < given.size(); i++) {
      assertThat(written.get(i)).isEqualTo(given.get(i) != null ? given.get(i) : "call_" + i);
    }
  }

  private static List<dev.refinery.sample.ToolCall> withoutIds(
      List<dev.refinery.sample.ToolCall> calls) {
    if (calls == null || calls.isEmpty()) {
      return null;
    }
    return calls.stream().map(c -> new dev.refinery.sample.ToolCall(null, c.type(), c.function(),
        c.extra())).toList();
  }

  private static List<String> ids(List<Message> messages) {
    List<String> ids = new java.util.ArrayList<>();
    for (Message m : messages) {
      if (m.toolCalls() != null) {
        m.toolCalls().forEach(c -> ids.add(c.id()));
      }
    }
    return ids;
  }

  @Provide
  Arbitrary<Sample> samples() {
    Arbitrary<String> field = text().injectNull(0.3);
    return Builders.withBuilder(Sample::builder)
        .use(field).in(Sample.Builder::uuid)
        .use(field).in(Sample.Builder::license)
        .use(field).in(Sample.Builder::generator)
        .use(Arbitraries.of("v1", "v1.1").injectNull(0.3)).in(Sample.Builder::version)
        .use(Arbitraries.of("math", "code", "chat", "stem", "tool_calling")).in(
            Sample.Builder::category)
        .use(Arbitraries.of("on", "off", "maybe").injectNull(0.2)).in(Sample.Builder::reasoning)
        .use(messages()).in(Sample.Builder::messages)
        .use(Arbitraries.of("{\"tools\":[{\"name\":\"f\"}]}", "{}", "not json").injectNull(0.5))
        .in(Sample.Builder::metadata)
        .use(extras()).in(Sample.Builder::extra)
        .build(Sample.Builder::build);
  }

  private static Arbitrary<List<Message>> messages() {
    Arbitrary<Message> message = Combinators.combine(
        Arbitraries.of("system", "user", "assistant", "tool", "ipython"),
        text().injectNull(0.15),
        toolCalls().injectNull(0.6),
        extras()).as(Message::new);
    return message.list().ofMaxSize(6);
  }

  private static Arbitrary<List<ToolCall>> toolCalls() {
    Arbitrary<ToolCall> call = Combinators.combine(
        Arbitraries.strings().alpha().numeric().ofMaxLength(8).injectNull(0.2),
        Arbitraries.of("function"),
        Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
            Arbitraries.of("{}", "{\"q\": \"ü\"}", "{\"n\":1,\"xs\":[1,2]}", "not json"),
            extras()).as(ToolCall.Function::new),
        extras()).as(ToolCall::new);
    return call.list().ofMaxSize(3);
  }

  /** Unknown fields whose names cannot clash with the schema's own. */
  private static Arbitrary<Map<String, Object>> extras() {
    Arbitrary<Object> value = Arbitraries.oneOf(text().map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l), Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.doubles().between(-1e6, 1e6).map(d -> (Object) d));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6)
        .map(k -> "x_" + k), value).ofMaxSize(2);
  }

  private static Arbitrary<String> text() {
    return Arbitraries.strings().all().ofMaxLength(20)
        .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
  }
}
