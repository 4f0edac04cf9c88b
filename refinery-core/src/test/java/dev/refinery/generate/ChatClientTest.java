package dev.refinery.generate;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.cutMidBody;
import static dev.refinery.generate.FakeChatServer.drop;
import static dev.refinery.generate.FakeChatServer.gated;
import static dev.refinery.generate.FakeChatServer.ok;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.refinery.RefineryException;
import dev.refinery.sample.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatClientTest {
  private static final String KEY = "sk-test-9f8e7d6c5b4a-secret";
  private static final String KEY_ENV = "REFINERY_TEST_KEY";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final RetryPolicy RETRY = new RetryPolicy(4, Duration.ofMillis(100),
      Duration.ofSeconds(10), Duration.ofSeconds(60));

  private final FakeChatServer server = new FakeChatServer();
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());


  @AfterEach
  void stop() {
    server.close();
  }

  private ChatClient client(int concurrency, Duration timeout, RetryPolicy retry) {
    return new ChatClient(new ClientOptions(server.baseUrl(), KEY_ENV, concurrency, timeout, retry),
        Map.of(KEY_ENV, KEY)::get, sleeps::add, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.5);
  }

  private ChatClient client() {
    return client(4, Duration.ofSeconds(10), RETRY);
  }

  private static ChatRequest request() {
    return ChatRequest.of("test-model", List.of(Message.of("user", "What is 2+2?")));
  }

  @Test
  void plainAnswerInOneAttemptWithTheKeyOnlyInTheAuthorizationHeader() throws Exception {
    server.then(ok(completion("4", null)));
    Completion done = client().complete(request());

    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.response().answer()).isEqualTo("4");
    assertThat(done.response().usage()).isEqualTo(new ChatResponse.Usage(12, 34));
    assertThat(server.authorizations()).containsExactly("Bearer " + KEY);
    assertThat(server.bodies().get(0)).doesNotContain(KEY).contains("\"model\":\"test-model\"");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void traceFromThinkBlockAndFromReasoningContent() throws Exception {
    server.then(ok(completion("<think>\nadd them\n</think>\n\n4", null)),
        ok(completion("4", "add them")));
    ChatClient client = client();
    ChatResponse inline = client.complete(request()).response();
    ChatResponse separate = client.complete(request()).response();

    assertThat(inline.trace()).isEqualTo("add them");
    assertThat(separate.trace()).isEqualTo("add them");
    assertThat(new ReasoningMode(ReasoningMode.Style.DEEPSEEK_R1, true).v1Content(separate))
        .isEqualTo("<think>\nadd them\n</think>\n\n4");
  }

  @Test
  void toolCallsAreReturned() throws Exception {
    server.then(ok("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,"
        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
        + "\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},"
        + "\"finish_reason\":\"tool_calls\"}]}"));
    ChatResponse response = client().complete(request()).response();

    assertThat(response.toolCalls()).hasSize(1);
    assertThat(response.toolCalls().get(0).name()).isEqualTo("get_weather");
    assertThat(response.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Oslo\"}");
    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.answer()).isEmpty();
  }

  @Test
  void waitsExactlyTheRetryAfterSecondsOf429() throws Exception {
    server.then(status(429, "{\"error\":{\"message\":\"slow down\"}}", "Retry-After", "7"),
        ok(completion("4", null)));
    Completion done = client().complete(request());

    assertThat(done.attempts()).isEqualTo(2);
    assertThat(server.requests()).isEqualTo(2);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void waitsUntilTheRetryAfterHttpDate() throws Exception {
    String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(NOW.plusSeconds(12), ZoneOffset.UTC));
    server.then(status(503, "overloaded", "Retry-After", at), ok(completion("4", null)));
    client().complete(request());

    assertThat(sleeps).containsExactly(Duration.ofSeconds(12));
  }

  @Test
  void retryAfterBeyondTheCapWaitsTheCap() throws Exception {
    server.then(status(429, "{}", "Retry-After", "3600"), ok(completion("4", null)));
    client().complete(request());

    assertThat(sleeps).containsExactly(Duration.ofSeconds(60));
  }

  @Test
  void serverErrorsBackOffExponentiallyWithJitterThenSucceed() throws Exception {
    server.then(status(500, "boom"), status(502, "bad gateway"), status(504, ""),
        ok(completion("4", null)));
    Completion done = client().complete(request());

    assertThat(done.attempts()).isEqualTo(4);
    // uniform() is 0.5: half of 100, 200, 400 ms.
    assertThat(sleeps).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(200));
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastReason() throws Exception {
    server.otherwise(status(503, "{\"object\":\"error\",\"message\":\"engine overloaded\"}"));
    GenerationException e = catchThrowableOfType(() -> client().complete(request()),
        GenerationException.class);

    assertThat(server.requests()).isEqualTo(4);
    assertThat(sleeps).hasSize(3);
    assertThat(e.attempts()).isEqualTo(4);
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.getMessage()).startsWith("after 4 attempts: HTTP 503 from http://127.0.0.1:")
        .endsWith("/v1/chat/completions: engine overloaded").doesNotContain("\n");
  }

  @Test
  void clientErrorsFailAtOnceWithTheServerMessage() throws Exception {
    server.then(status(400, "{\"error\":{\"message\":\"max_tokens is too large: 99999\","
        + "\"type\":\"BadRequestError\"}}"), ok(completion("never asked", null)));
    GenerationException e = catchThrowableOfType(() -> client().complete(request()),
        GenerationException.class);

    assertThat(server.requests()).isEqualTo(1);
    assertThat(sleeps).isEmpty();
    assertThat(e.kind()).isEqualTo(GenerationException.Kind.HTTP_STATUS);
    assertThat(e.getMessage()).contains("HTTP 400").endsWith(": max_tokens is too large: 99999");
  }

  @Test
  void theKeyNeverAppearsInErrorsEvenWhenTheServerEchoesIt() throws Exception {
    server.then(status(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY
        + ". You can find your API key at ...\"}}"));
    ChatClient client = client();
    GenerationException e = catchThrowableOfType(() -> client.complete(request()),
        GenerationException.class);

    assertThat(e.status()).isEqualTo(401);
    assertThat(server.requests()).isEqualTo(1);
    assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("9f8e7d6c5b4a")
        .contains("Incorrect API key provided: [API key]");
    assertThat(client.toString()).doesNotContain(KEY).contains("key set");
    java.io.StringWriter trace = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain(KEY);
  }

  @Test
  void aMissingKeyVariableIsNamedButNothingElse() {
    ClientOptions options = new ClientOptions(server.baseUrl(), "NO_SUCH_KEY_VAR", 1,
        Duration.ofSeconds(1), RETRY);
    assertThatThrownBy(() -> new ChatClient(options, Map.<String, String>of()::get, sleeps::add,
        Clock.systemUTC(), () -> 0.5))
        .isInstanceOf(RefineryException.class)
        .hasMessage("environment variable NO_SUCH_KEY_VAR (the API key) is not set");
  }

  @Test
  void noKeyVariableSendsNoAuthorization() throws Exception {
    ChatClient keyless = new ChatClient(new ClientOptions(server.baseUrl(), null, 1,
        Duration.ofSeconds(10), RETRY), Map.<String, String>of()::get, sleeps::add,
        Clock.systemUTC(), () -> 0.5);
    keyless.complete(request());

    assertThat(server.authorizations()).containsExactly((String) null);
  }

  @Test
  void slowResponsesTimeOutAndAreRetried() throws Exception {
    server.then(server.stall(), ok(completion("4", null)));
    Completion done = client(2, Duration.ofMillis(300), RETRY).complete(request());

    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.response().answer()).isEqualTo("4");
    assertThat(sleeps).containsExactly(Duration.ofMillis(50));
  }

  @Test
  void aServerThatNeverAnswersIsATimeoutAfterMaxAttempts() throws Exception {
    server.otherwise(server.stall());
    RetryPolicy twice = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1),
        Duration.ofSeconds(1));
    GenerationException e = catchThrowableOfType(
        () -> client(2, Duration.ofMillis(200), twice).complete(request()),
        GenerationException.class);

    assertThat(e.kind()).isEqualTo(GenerationException.Kind.TIMEOUT);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.getMessage()).startsWith("after 2 attempts: no response from ")
        .endsWith(" within 200 ms");
  }

  @Test
  void truncatedOrInvalidJsonIsRetriedThenReportedWithItsReason() throws Exception {
    server.then(ok("{\"choices\":[{\"message\":{\"content\":\"hel"), ok(completion("4", null)));
    assertThat(client().complete(request()).attempts()).isEqualTo(2);

    server.otherwise(ok("<html>Bad gateway</html>"));
    GenerationException e = catchThrowableOfType(() -> client().complete(request()),
        GenerationException.class);
    assertThat(e.kind()).isEqualTo(GenerationException.Kind.UNPARSEABLE);
    assertThat(e.attempts()).isEqualTo(4);
    assertThat(e.getMessage()).contains("unusable response from ")
        .contains("response is not valid JSON").doesNotContain("\n");
  }

  @Test
  void droppedConnectionsAreRetried() throws Exception {
    server.then(drop(), cutMidBody(completion("4", null)), ok(completion("4", null)));
    Completion done = client().complete(request());

    assertThat(done.attempts()).isEqualTo(3);
    assertThat(server.requests()).isEqualTo(3);
  }

  @Test
  void aDroppedConnectionEveryTimeIsAConnectionFailure() throws Exception {
    server.otherwise(drop());
    GenerationException e = catchThrowableOfType(() -> client().complete(request()),
        GenerationException.class);

    assertThat(e.kind()).isEqualTo(GenerationException.Kind.CONNECTION);
    assertThat(e.status()).isZero();
    assertThat(e.getMessage()).startsWith("after 4 attempts: connection to http://127.0.0.1:")
        .doesNotContain("\n");
  }

  @Test
  void neverMoreRequestsInFlightThanTheBound() throws Exception {
    int bound = 3;
    // The first three wait for each other: the bound is reached, not merely respected.
    CountDownLatch allThree = new CountDownLatch(bound);
    for (int i = 0; i < bound; i++) {
      server.then(gated(allThree, ok(completion("gated", null))));
    }
    ChatClient client = client(bound, Duration.ofSeconds(20), RETRY);
    ExecutorService callers = Executors.newFixedThreadPool(12);
    try {
      List<Future<Completion>> results = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        results.add(callers.submit(() -> client.complete(request())));
      }
      for (Future<Completion> f : results) {
        assertThat(f.get().attempts()).isEqualTo(1);
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(server.requests()).isEqualTo(48);
    assertThat(server.maxInFlight()).isEqualTo(bound);
    assertThat(client.requestsSent()).isEqualTo(48);
  }
}
