package dev.refinery.generate;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.ok;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.generate.ReasoningMode.Style;
import dev.refinery.internal.Json;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  private static final ReasoningMode ON = new ReasoningMode(Style.DETAILED_THINKING, true);
  private static final ReasoningMode OFF = new ReasoningMode(Style.DETAILED_THINKING, false);
  private static final Sample PROMPT = Sample.builder()
      .uuid("prompt-1").license("CC BY 4.0").version("v1").category("math")
      .metadata("{\"source\":\"gsm8k\"}")
      .messages(List.of(Message.of("system", ""), Message.of("user", "What is 2+2?"),
          Message.of("assistant", "an old answer")))
      .build();

  private final FakeChatServer server = new FakeChatServer();


  @AfterEach
  void stop() {
    server.close();
  }

  private Generator generator() {
    ChatClient client = new ChatClient(new ClientOptions(server.baseUrl(), null, 2,
        Duration.ofSeconds(10), new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(100),
        Duration.ofSeconds(1))), Map.<String, String>of()::get, d -> { }, Clock.systemUTC(),
        () -> 0.5);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("top_k", 20);
    return new Generator(client, new Generator.Settings("nvidia/test-model", 0.6, 0.95, 2048,
        7L, extra));
  }

  @Test
  void makesAV1RowWithTheTraceInlineAndTheRequestAndUsageInMetadata() throws Exception {
    server.otherwise(ok(completion("4", "two and two make four")));
    Generation g = generator().generate(PROMPT, ON, 0);

    assertThat(g.failed()).isFalse();
    Sample row = g.row();
    assertThat(row.uuid()).isEqualTo(Generator.rowUuid(PROMPT, ON, 0));
    assertThat(row.generator()).isEqualTo("nvidia/test-model");
    assertThat(row.reasoning()).isEqualTo("on");
    assertThat(row.category()).isEqualTo("math");
    assertThat(row.license()).isEqualTo("CC BY 4.0");
    assertThat(row.messages()).containsExactly(Message.of("system", ""),
        Message.of("user", "What is 2+2?"),
        Message.of("assistant", "<think>\ntwo and two make four\n</think>\n\n4"));
    long seed = Generator.requestSeed(7L, row.uuid());
    assertThat(row.metadata()).isEqualTo("{\"source\":\"gsm8k\",\"generation\":{"
        + "\"prompt_uuid\":\"prompt-1\",\"sample_index\":0,\"request\":{\"temperature\":0.6,"
        + "\"top_p\":0.95,\"max_tokens\":2048,\"seed\":" + seed + ",\"top_k\":20},"
        + "\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34}}}");

    // The switch went to the server, not into the row.
    Map<?, ?> sent = (Map<?, ?>) Json.parseOrNull(server.bodies().get(0));
    assertThat(Json.write(sent.get("messages"))).isEqualTo("[{\"role\":\"system\",\"content\":"
        + "\"detailed thinking on\"},{\"role\":\"user\",\"content\":\"What is 2+2?\"}]");
    assertThat(sent.get("seed")).isEqualTo(seed);
  }

  @Test
  void theSameInputGivesTheSameRowAndEachSampleItsOwnUuidAndSeed() throws Exception {
    server.otherwise(ok(completion("<think>\n\n</think>\n\n4", null)));
    Generator generator = generator();
    Sample first = generator.generate(PROMPT, OFF, 1).row();
    Sample again = generator.generate(PROMPT, OFF, 1).row();
    Sample other = generator.generate(PROMPT, OFF, 2).row();

    assertThat(ContentUuid.canonicalJson(again)).isEqualTo(ContentUuid.canonicalJson(first));
    assertThat(again.uuid()).isEqualTo(first.uuid());
    assertThat(first.finalAssistant().content()).isEqualTo("4");
    assertThat(other.uuid()).isNotEqualTo(first.uuid());
    assertThat(Json.parseOrNull(server.bodies().get(2)))
        .isNotEqualTo(Json.parseOrNull(server.bodies().get(1)));
    assertThat(server.bodies().get(1)).isEqualTo(server.bodies().get(0));
  }

  @Test
  void uuidsDifferPerModeAndIndexAndAreStableAcrossRuns() {
    Set<String> uuids = new HashSet<>();
    for (ReasoningMode mode : List.of(ON, OFF)) {
      for (int i = 0; i < 4; i++) {
        uuids.add(Generator.rowUuid(PROMPT, mode, i));
      }
    }
    assertThat(uuids).hasSize(8);
    // Pinned: resume depends on the same (prompt, mode, index) getting the same uuid forever.
    assertThat(Generator.rowUuid(PROMPT, ON, 0)).isEqualTo(
        ContentUuid.v5(Generator.NAMESPACE, "prompt-1\non\n0").toString());
    assertThat(Generator.NAMESPACE).isEqualTo(ContentUuid.v5(
        java.util.UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
        "https://refinery.dev/ns/generated-sample"));
  }

  @Test
  void toolCallsAreStoredInTheAssistantTurn() throws Exception {
    server.otherwise(ok("{\"choices\":[{\"message\":{\"content\":\"<think>\\nneed weather\\n"
        + "</think>\\n\\n\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}"
        + "]},\"finish_reason\":\"tool_calls\"}]}"));
    Sample tools = PROMPT.toBuilder().metadata("{\"tools\":[{\"name\":\"get_weather\","
        + "\"parameters\":{}}]}").build();
    Sample row = generator().generate(tools, ON, 0).row();

    Message answer = row.finalAssistant();
    assertThat(answer.content()).isEqualTo("<think>\nneed weather\n</think>\n\n");
    assertThat(answer.toolCalls()).hasSize(1);
    assertThat(answer.toolCalls().get(0).name()).isEqualTo("get_weather");
    assertThat(server.bodies().get(0)).contains("\"tools\":[{\"type\":\"function\"");
  }

  @Test
  void aFailedRequestIsAFailureRecordWithItsReason() throws Exception {
    server.otherwise(status(400, "{\"error\":{\"message\":\"context length exceeded\"}}"));
    Generation g = generator().generate(PROMPT, ON, 3);

    assertThat(g.row()).isNull();
    Generation.Failure f = g.failure();
    assertThat(f.uuid()).isEqualTo(Generator.rowUuid(PROMPT, ON, 3));
    assertThat(f.promptUuid()).isEqualTo("prompt-1");
    assertThat(f.sampleIndex()).isEqualTo(3);
    assertThat(f.kind()).isEqualTo("HTTP_STATUS");
    assertThat(f.status()).isEqualTo(400);
    assertThat(f.attempts()).isEqualTo(1);
    assertThat(f.reason()).endsWith("context length exceeded");
  }

  @Test
  void aResponseThatDoesNotFitTheModeIsAFailureNotARow() throws Exception {
    server.otherwise(ok(completion("just 4", null)));
    Generation g = generator().generate(PROMPT, ON, 0);

    assertThat(g.failure().kind()).isEqualTo("MODE_MISMATCH");
    assertThat(g.failure().reason()).isEqualTo(
        "reasoning on but the response has no reasoning trace");
  }
}
