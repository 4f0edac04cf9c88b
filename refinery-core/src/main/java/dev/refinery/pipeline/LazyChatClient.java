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
      java.time.Duration timeout, int maxAttempts) {
    dev.refinery.generate.RetryPolicy d = dev.refinery.generate.RetryPolicy.DEFAULT;
    return new ClientOptions(endpoint, apiKeyEnv, concurrency, timeout,
        new dev.refinery.generate.RetryPolicy(maxAttempts, d.baseDelay(), d.maxDelay(),
            d.maxRetryAfter()));
  }

  /** A whole-number parameter declared from 1 to Integer.MAX_VALUE (Params checked it). */
  static int positive(dev.refinery.filter.Params p, String name, String where) {
    return Math.toIntExact(p.getInt(name));
  }
}
