package dev.refinery.pipeline;

import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.generate.ChatClient;
import dev.refinery.generate.ClientOptions;
import dev.refinery.generate.FailureLimit;
import dev.refinery.generate.RetryPolicy;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The chat client of a step that calls a model server: it travels as its options and where the
 * API key is read from, and opens the client (HTTP connections, the key) on first use in the JVM
 * where the step runs, once.
 */
final class LazyChatClient implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What the client is opened with; the step's checked settings. */
  interface Options extends Serializable {
    ClientOptions clientOptions();
  }

  /** The environment the key is read from; serializable so the step is. */
  interface Environment extends Function<String, String>, Serializable {}

  private final Options options;
  private final Environment environment;
  private transient volatile ChatClient client;

  LazyChatClient(Options options, Environment environment) {
    this.options = options;
    this.environment = environment;
  }

  /** The client when it was opened in this JVM, else null (nothing was sent). */
  ChatClient opened() {
    return client;
  }

  ChatClient get() {
    ChatClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c = ChatClient.open(options.clientOptions(), environment);
          client = c;
        }
      }
    }
    return c;
  }

  /** Client options with the default retry delays and {@code maxAttempts} attempts at most. */
  static ClientOptions options(URI endpoint, String apiKeyEnv, int concurrency,
      Duration timeout, int maxAttempts, boolean stream) {
    RetryPolicy d = RetryPolicy.DEFAULT;
    return new ClientOptions(endpoint, apiKeyEnv, concurrency, timeout,
        new RetryPolicy(maxAttempts, d.baseDelay(), d.maxDelay(), d.maxRetryAfter()), stream);
  }

  /** The parameters every step that calls a model server has besides its own. */
  static final List<Param> CLIENT_PARAMS = List.of(
      Param.of("stream", Param.Type.BOOLEAN, false,
          "ask for Server-Sent Events (the rows are the same)"),
      Param.of("max_failure_rate", Param.Type.DOUBLE, FailureLimit.DEFAULT_MAX_RATE,
          "the run stops once more than this share of a partition's requests failed (from the "
          + FailureLimit.MIN_REQUESTS + "th on), or all of them did").between(0, 1));

  /** Where the key comes from; after {@code model} in every such step. */
  static final Param API_KEY_ENV = Param.of("api_key_env", Param.Type.STRING, "",
      "environment variable holding the API key "
      + "(empty: " + ClientOptions.DEFAULT_API_KEY_ENV + " when it is set; "
      + ClientOptions.NO_API_KEY + ": send none)");

  /** The {@code api_key_env} parameter: null (the default variable) when empty. */
  static String keyEnv(Params p) {
    String v = p.getString("api_key_env").strip();
    return v.isEmpty() ? null : v;
  }

  /** A partition's failure limit; the message says how to go on. */
  static FailureLimit failureLimit(double maxRate, String step) {
    return new FailureLimit(maxRate, step + ".max_failure_rate",
        " (" + step + " step); fix the cause and run again with --resume");
  }

  /** A whole-number parameter declared from 1 to Integer.MAX_VALUE (Params checked it). */
  static int positive(Params p, String name) {
    return Math.toIntExact(p.getInt(name));
  }
}
