package dev.refinery.generate;

import dev.refinery.RefineryException;
import dev.refinery.internal.Errors;
import dev.refinery.internal.Json;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Sends chat requests to an OpenAI-compatible server with at most {@code concurrency} in flight,
 * a per-request timeout, and retries as {@link RetryPolicy} decides. Thread safe: many threads
 * may call {@link #complete} at once; those beyond the bound wait for a slot.
 *
 * <p>The API key is read once from the environment variable the options name ({@code
 * OPENAI_API_KEY} by default) and is only ever sent in the {@code Authorization} header: it is cut
 * out of server messages before they become errors, and no exception, log or {@code toString}
 * holds it.
 *
 * <p>Answers that say every other request would fail too (401, 403, 404, or a server never
 * reached) are {@linkplain GenerationException#fatal() fatal}: thrown at once, without retries,
 * with a message that says what to check. With {@link ClientOptions#stream()} the request asks for
 * Server-Sent Events; an event stream is read whenever the server sends one, asked or not.
 */
public final class ChatClient {
  private final URI uri;
  private final String apiKey;
  private final Duration timeout;
  private final RetryPolicy retry;
  private final Semaphore slots;
  private final int concurrency;
  private final Sleeper sleeper;
  private final Clock clock;
  private final DoubleSupplier uniform;
  private final HttpClient http;
  private final boolean stream;
  /** Whether the server ever answered: a refused connection after that is a restart, retried. */
  private volatile boolean answered;
  private final LongAdder sent = new LongAdder();
  private final LongAdder retries = new LongAdder();

  /** A client that reads the key from the real environment and really sleeps between retries. */
  public static ChatClient open(ClientOptions options) {
    return new ChatClient(options, System::getenv, Sleeper.REAL, Clock.systemUTC(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The same, reading the key through {@code environment} instead of the process environment (a
   * step on another machine, or a test, supplies its own lookup).
   */
  public static ChatClient open(ClientOptions options, Function<String, String> environment) {
    return new ChatClient(options, environment, Sleeper.REAL, Clock.systemUTC(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  ChatClient(ClientOptions options, Function<String, String> environment, Sleeper sleeper,
      Clock clock, DoubleSupplier uniform) {
    this.uri = options.chatCompletionsUri();
    this.apiKey = readKey(options.apiKeyEnv(), environment);
    this.stream = options.stream();
    this.timeout = options.requestTimeout();
    this.retry = options.retry();
    this.concurrency = options.concurrency();
    this.slots = new Semaphore(concurrency, true);
    this.sleeper = sleeper;
    this.clock = clock;
    this.uniform = uniform;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .build();
  }

  private static String readKey(String variable, Function<String, String> environment) {
    if (ClientOptions.NO_API_KEY.equals(variable)) {
      return null;
    }
    if (variable == null) {
      String key = environment.apply(ClientOptions.DEFAULT_API_KEY_ENV);
      return key == null || key.isBlank() ? null : key.strip();
    }
    String key = environment.apply(variable);
    if (key == null || key.isBlank()) {
      throw new RefineryException("environment variable " + variable
          + " (the API key) is not set");
    }
    return key.strip();
  }

  /**
   * Sends the request until it succeeds, fails for good, or runs out of attempts.
   *
   * @throws GenerationException when no usable response came; its message is one line
   */
  public Completion complete(ChatRequest request) throws InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Accept", stream ? "text/event-stream" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request.toJson(stream),
            StandardCharsets.UTF_8));
    if (apiKey != null) {
      builder.header("Authorization", "Bearer " + apiKey);
    }
    HttpRequest httpRequest = builder.build();
    for (int attempt = 1; ; attempt++) {
      Failed failed;
      try {
        return new Completion(send(httpRequest), attempt);
      } catch (Failed f) {
        failed = f;
      }
      if (failed.error.fatal()) {
        throw failed.error;
      }
      if (!RetryPolicy.retryable(failed.error) || attempt >= retry.maxAttempts()) {
        throw failed.error.withAttempts(attempt);
      }
      retries.increment();
      sleeper.sleep(retry.delay(attempt - 1, failed.retryAfter, uniform));
    }
  }

  /** Requests sent so far, retries included. */
  public long requestsSent() {
    return sent.sum();
  }

  /** Retries so far (requests sent again after a retryable failure). */
  public long retries() {
    return retries.sum();
  }

  /** One attempt, holding one of the {@code concurrency} slots while the request is out. */
  private ChatResponse send(HttpRequest httpRequest) throws Failed, InterruptedException {
    HttpResponse<String> response;
    slots.acquire();
    try {
      sent.increment();
      CompletableFuture<HttpResponse<String>> pending =
          http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      try {
        // The request timeout only covers the headers; this one covers the body too.
        response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        pending.cancel(true);
        throw new Failed(timeoutError(), null);
      } catch (InterruptedException e) {
        pending.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof HttpTimeoutException) {
          throw new Failed(timeoutError(), null);
        }
        if (cause instanceof ConnectException && !answered) {
          throw new Failed(new GenerationException(GenerationException.Kind.UNREACHABLE, 0, 1,
              "cannot reach " + uri + ": " + redact(unreachable(cause)) + "; check the endpoint "
              + "URL and that the server is running"), null);
        }
        throw new Failed(new GenerationException(GenerationException.Kind.CONNECTION, 0, 1,
            "connection to " + uri + " failed: " + redact(describe(cause))), null);
      }
    } finally {
      slots.release();
    }
    answered = true;
    int status = response.statusCode();
    String body = response.body() == null ? "" : response.body();
    if (status / 100 == 2) {
      try {
        return eventStream(response, body) ? ChatResponse.parseEventStream(body)
            : ChatResponse.parse(body);
      } catch (GenerationException e) {
        throw new Failed(new GenerationException(GenerationException.Kind.UNPARSEABLE, status, 1,
            "unusable response from " + uri + ": " + redact(e.getMessage())), null);
      }
    }
    GenerationException error = new GenerationException(GenerationException.Kind.HTTP_STATUS,
        status, 1, "HTTP " + status + " from " + uri + ": " + redact(serverMessage(body))
        + hint(status));
    throw new Failed(error, RetryPolicy.parseRetryAfter(
        response.headers().firstValue("Retry-After").orElse(null), clock.instant()));
  }

  /** What to check when a status says every request will fail the same way. */
  private static String hint(int status) {
    return switch (status) {
      case 401, 403 -> "; check the API key (the variable --api-key-env or api_key_env names, "
          + ClientOptions.DEFAULT_API_KEY_ENV + " by default; " + ClientOptions.NO_API_KEY
          + " for none)";
      case 404 -> "; check the model name and the endpoint URL (the API base, /v1 included)";
      default -> "";
    };
  }

  /** Server-Sent Events, by content type or, from servers that do not say, by the body. */
  private static boolean eventStream(HttpResponse<String> response, String body) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    return type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")
        || !type.toLowerCase(Locale.ROOT).contains("json")
        && body.stripLeading().startsWith("data:");
  }

  private GenerationException timeoutError() {
    return new GenerationException(GenerationException.Kind.TIMEOUT, 0, 1,
        "no response from " + uri + " within " + timeout.toMillis() + " ms");
  }

  /** Why a connection could not be opened; the JDK's ConnectException often has no message. */
  private String unreachable(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException
          || t instanceof UnknownHostException) {
        return "unknown host " + uri.getHost();
      }
    }
    String message = cause.getMessage();
    return message == null || message.isBlank() ? "connection refused" : Errors.firstLine(cause);
  }

  private static String describe(Throwable cause) {
    String message = Errors.firstLine(cause);
    String type = cause.getClass().getSimpleName();
    return message.equals(type) ? type : type + ": " + message;
  }

  /**
   * The one line a server says about its error: OpenAI and vLLM send {@code {"error":
   * {"message":..}}} or {@code {"message":..}}, TGI {@code {"error":".."}}, FastAPI {@code
   * {"detail":..}}; anything else is the body's first line.
   */
  static String serverMessage(String body) {
    Object parsed = Json.parseOrNull(body);
    if (parsed instanceof Map<?, ?> map) {
      Object error = map.get("error");
      if (error instanceof Map<?, ?> e && e.get("message") != null) {
        return oneLine(String.valueOf(e.get("message")));
      }
      for (Object candidate : new Object[] {error, map.get("message"), map.get("detail")}) {
        if (candidate != null) {
          return oneLine(candidate instanceof String s ? s : Json.write(candidate));
        }
      }
    }
    String text = oneLine(body.strip());
    return text.isEmpty() ? "(empty body)" : text;
  }

  private static String oneLine(String text) {
    String line = Errors.firstLine(text).strip();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  /** Servers may echo the key ("Incorrect API key provided: sk-..."): it never goes further. */
  private String redact(String text) {
    return apiKey == null || apiKey.isEmpty() ? text : text.replace(apiKey, "[API key]");
  }

  @Override
  public String toString() {
    return "ChatClient[" + uri + ", concurrency " + concurrency + (stream ? ", streamed" : "")
        + ", key "
        + (apiKey == null ? "none" : "set") + "]";
  }

  /** A failed attempt and the wait the server asked for before the next one. */
  private static final class Failed extends Exception {
    final transient GenerationException error;
    final transient Duration retryAfter;

    Failed(GenerationException error, Duration retryAfter) {
      super(null, null, false, false);
      this.error = error;
      this.retryAfter = retryAfter;
    }
  }
}
