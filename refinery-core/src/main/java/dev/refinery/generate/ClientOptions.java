package dev.refinery.generate;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how to send chat requests.
 *
 * @param baseUrl the API base, {@code /v1} included as with the OpenAI SDKs (e.g. {@code
 *     http://localhost:8000/v1}); requests go to {@code <baseUrl>/chat/completions}
 * @param apiKeyEnv the name of the environment variable that holds the API key (then it must be
 *     set); null for the default, {@value #DEFAULT_API_KEY_ENV} when it is set and no key when it
 *     is not (as the OpenAI SDKs do); {@value #NO_API_KEY} for no key at all. The key itself is
 *     never part of the options
 * @param concurrency requests in flight at most (waits between retries do not hold a slot)
 * @param requestTimeout the longest one request may take, response body included
 * @param stream ask for Server-Sent Events ({@code "stream": true}); the rows are the same either
 *     way, and an event stream is read whether it was asked for or not
 */
public record ClientOptions(URI baseUrl, String apiKeyEnv, int concurrency,
                            Duration requestTimeout, RetryPolicy retry, boolean stream) {

  /** The variable the key is read from when none is named. */
  public static final String DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";
  /** The {@code apiKeyEnv} that sends no key, whatever the environment holds. */
  public static final String NO_API_KEY = "NONE";

  /** Without streaming. */
  public ClientOptions(URI baseUrl, String apiKeyEnv, int concurrency, Duration requestTimeout,
      RetryPolicy retry) {
    this(baseUrl, apiKeyEnv, concurrency, requestTimeout, retry, false);
  }

  public ClientOptions {
    if (baseUrl == null || baseUrl.getScheme() == null
        || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
      throw new IllegalArgumentException("the endpoint must be an http(s) URL, got " + baseUrl);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("the request timeout must be positive");
    }
    if (retry == null) {
      retry = RetryPolicy.DEFAULT;
    }
    if (apiKeyEnv != null && apiKeyEnv.isBlank()) {
      apiKeyEnv = null;
    }
  }

  public URI chatCompletionsUri() {
    String base = baseUrl.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
        + "/chat/completions");
  }
}
