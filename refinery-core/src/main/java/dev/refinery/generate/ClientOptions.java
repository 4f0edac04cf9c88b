package dev.refinery.generate;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how to send chat requests.
 *
 * @param baseUrl the API base, {@code /v1} included as with the OpenAI SDKs (e.g. {@code
 *     http://localhost:8000/v1}); requests go to {@code <baseUrl>/chat/completions}
 * @param apiKeyEnv the name of the environment variable that holds the API key, null for a server
 *     that needs none; the key itself is never part of the options
 * @param concurrency requests in flight at most (waits between retries do not hold a slot)
 * @param requestTimeout the longest one request may take, response body included
 */
public record ClientOptions(URI baseUrl, String apiKeyEnv, int concurrency,
                            Duration requestTimeout, RetryPolicy retry) {

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
  }

  public URI chatCompletionsUri() {
    String base = baseUrl.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
        + "/chat/completions");
  }
}
