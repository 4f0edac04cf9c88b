package dev.refinery.pipeline;

import dev.refinery.generate.ChatClient;
import dev.refinery.generate.ClientOptions;
import java.io.Serializable;
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
  static ClientOptions options(java.net.URI endpoint, String apiKeyEnv, int concurrency,
      java.time.Duration timeout, int maxAttempts, boolean stream) {
    dev.refinery.generate.RetryPolicy d = dev.refinery.generate.RetryPolicy.DEFAULT;
    return new ClientOptions(endpoint, apiKeyEnv, concurrency, timeout,
        new dev.refinery.generate.RetryPolicy(maxAttempts, d.baseDelay(), d.maxDelay(),
            d.maxRetryAfter()), stream);
  }

  /** The parameters every step that calls a model server has besides its own. */
  static final java.util.List<dev.refinery.filter.Param> CLIENT_PARAMS = java.util.List.of(
      dev.refinery.filter.Param.of("stream", dev.refinery.filter.Param.Type.BOOLEAN, false,
          "ask for Server-Sent Events (the rows are the same)"),
      dev.refinery.filter.Param.of("max_failure_rate", dev.refinery.filter.Param.Type.DOUBLE,
          dev.refinery.generate.FailureLimit.DEFAULT_MAX_RATE, "the run stops once more than "
          + "this share of a partition's requests failed (from the "
          + dev.refinery.generate.FailureLimit.MIN_REQUESTS + "th on), or all of them did"));

  /** Where the key comes from; after {@code model} in every such step. */
  static final dev.refinery.filter.Param API_KEY_ENV = dev.refinery.filter.Param.of("api_key_env",
      dev.refinery.filter.Param.Type.STRING, "", "environment variable holding the API key "
      + "(empty: " + ClientOptions.DEFAULT_API_KEY_ENV + " when it is set; "
      + ClientOptions.NO_API_KEY + ": send none)");

  /** The {@code api_key_env} parameter: null (the default variable) when empty. */
  static String keyEnv(dev.refinery.filter.Params p) {
    String v = p.getString("api_key_env").strip();
    return v.isEmpty() ? null : v;
  }

  /** The {@code max_failure_rate} parameter, checked. */
  static double maxFailureRate(dev.refinery.filter.Params p, String where) {
    double v = p.getDouble("max_failure_rate");
    if (!(v >= 0 && v <= 1)) {
      throw new dev.refinery.RefineryException(where + ".max_failure_rate: must be between 0 "
          + "and 1, was " + v);
    }
    return v;
  }

  /** A partition's failure limit; the message says how to go on. */
  static dev.refinery.generate.FailureLimit failureLimit(double maxRate, String step) {
    return new dev.refinery.generate.FailureLimit(maxRate, step + ".max_failure_rate",
        " (" + step + " step); fix the cause and run again with --resume");
  }

  /** A whole-number parameter of at least 1, or a one-line error naming the YAML key. */
  static int positive(dev.refinery.filter.Params p, String name, String where) {
    long v = p.getInt(name);
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new dev.refinery.RefineryException(where + "." + name + ": must be at least 1, was "
          + v);
    }
    return (int) v;
  }
}
