package dev.refinery.hub;

import dev.refinery.RefineryException;
import dev.refinery.generate.RetryPolicy;
import dev.refinery.generate.Sleeper;
import dev.refinery.internal.Json;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face Hub's HTTP API, as far as reading a dataset repository needs it: a revision's
 * commit, the file tree (paginated), and byte ranges of files. Redirects to the storage backend
 * are followed by hand, so the token goes to the Hub's own host only; 408, 429 and 5xx answers,
 * dropped connections and bodies that end early are retried with backoff (a dropped body resumes
 * from its last byte). The token is never part of a message.
 */
public final class HubClient {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  /** The variables {@code huggingface_hub} reads, read here too (a Java system property first). */
  public static final String ENDPOINT_VARIABLE = "HF_ENDPOINT";
  public static final String TOKEN_VARIABLE = "HF_TOKEN";
  /** The system property {@code --hf-token-env} sets: the variable that holds the token. */
  public static final String TOKEN_VARIABLE_PROPERTY = "refinery.hf.token.env";
  static final int MAX_REDIRECTS = 8;
  /** A skip this short reads through: cheaper than a new request. */
  static final long SKIP_BY_READING = 64 << 10;
  private static final Pattern NEXT_PAGE = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  private final URI endpoint;
  private final String token;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Duration timeout;
  private final HttpClient http;
  /** A file's resolve URL to where it redirected last (a signed storage URL). */
  private final Map<URI, URI> redirects = new java.util.concurrent.ConcurrentHashMap<>();
  private final LongAdder bytesFetched = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder retries = new LongAdder();

  public HubClient(URI endpoint, String token, RetryPolicy retry, Sleeper sleeper,
      Duration timeout) {
    this.endpoint = withoutTrailingSlash(Objects.requireNonNull(endpoint, "endpoint"));
    this.token = token == null || token.isBlank() ? null : token.strip();
    this.retry = retry;
    this.sleeper = sleeper;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .build();
  }

  /**
   * A client configured as {@code huggingface_hub} is: {@code HF_ENDPOINT} (default
   * huggingface.co) and {@code HF_TOKEN}, or the variable {@code --hf-token-env} named. Each is
   * looked up in {@code lookup} (system properties, then the environment, for the CLI).
   */
  public static HubClient configured(Function<String, String> lookup) {
    String endpoint = lookup.apply(ENDPOINT_VARIABLE);
    String tokenVariable = lookup.apply(TOKEN_VARIABLE_PROPERTY);
    String token = lookup.apply(tokenVariable == null ? TOKEN_VARIABLE : tokenVariable);
    if (tokenVariable != null && (token == null || token.isBlank())) {
      throw new RefineryException("environment variable " + tokenVariable
          + " (the Hugging Face token, --hf-token-env) is not set");
    }
    URI uri;
    try {
      uri = URI.create(endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT
          : endpoint.strip());
    } catch (IllegalArgumentException e) {
      throw new RefineryException(ENDPOINT_VARIABLE + "=" + endpoint + ": not a URL");
    }
    if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
      throw new RefineryException(ENDPOINT_VARIABLE + "=" + endpoint
          + ": not an http(s) URL");
    }
    // One client (one connection pool) per endpoint and token for the whole process.
    return SHARED.computeIfAbsent(uri + "\u0000" + (token == null ? "" : token.strip()),
        k -> new HubClient(uri, token, RetryPolicy.DEFAULT, Sleeper.REAL,
            Duration.ofSeconds(60)));
  }

  private static final Map<String, HubClient> SHARED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** System properties first, then the environment. */
  public static String systemSetting(String name) {
    String property = System.getProperty(name);
    return property != null ? property : System.getenv(name);
  }

  private static URI withoutTrailingSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Bytes of file content received, requests sent and retried, since the client was made. */
  public long bytesFetched() {
    return bytesFetched.sum();
  }

  public long requests() {
    return requests.sum();
  }

  public long retries() {
    return retries.sum();
  }

  /** The commit sha {@code revision} (a branch, tag or sha) names now. */
  public String commit(String repoId, String revision) throws IOException {
    String what = HubUri.PREFIX + "datasets/" + repoId + "@" + revision;
    Object json = getJson(api(repoId, "revision/" + HubUri.encode(revision)), what);
    if (json instanceof Map<?, ?> m && m.get("sha") instanceof String sha && !sha.isBlank()) {
      return sha;
    }
    throw new RefineryException(what + ": the Hub's revision answer has no commit sha");
  }

  /**
   * A file or folder of a repository's tree.
   *
   * @param etag what {@code huggingface_hub} names the file's blob in its cache: the LFS sha256,
   *     or the git blob id of a file not in LFS; null for a folder
   */
  public record Entry(String path, boolean directory, long size, String etag) {}

  /**
   * The entries under {@code path} (empty: the root) at commit {@code sha}, every level when
   * {@code recursive}, every page.
   */
  public List<Entry> tree(String repoId, String sha, String path, boolean recursive)
      throws IOException {
    String what = HubUri.PREFIX + "datasets/" + repoId + "@" + sha
        + (path.isEmpty() ? "" : "/" + path);
    URI next = api(repoId, "tree/" + sha + (path.isEmpty() ? "" : "/" + encodePath(path))
        + (recursive ? "?recursive=true" : ""));
    List<Entry> entries = new ArrayList<>();
    while (next != null) {
      Response r = send(next, null, what);
      String body;
      try (InputStream in = r.body) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Object json = Json.parse(body);
      if (!(json instanceof List<?> list)) {
        throw new RefineryException(what + ": the Hub's tree answer is not a list");
      }
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get("path") instanceof String p) {
          boolean directory = "directory".equals(m.get("type"));
          Map<?, ?> lfs = m.get("lfs") instanceof Map<?, ?> l ? l : Map.of();
          long size = lfs.get("size") instanceof Number n ? n.longValue()
              : m.get("size") instanceof Number n2 ? n2.longValue() : 0;
          Object etag = directory ? null : lfs.get("oid") != null ? lfs.get("oid") : m.get("oid");
          entries.add(new Entry(p, directory, size, etag == null ? null : etag.toString()));
        }
      }
      next = nextPage(r.links, next);
    }
    return entries;
  }

  private static URI nextPage(List<String> links, URI current) {
    for (String link : links) {
      Matcher m = NEXT_PAGE.matcher(link);
      if (m.find()) {
        return current.resolve(m.group(1));
      }
    }
    return null;
  }

  /**
   * Bytes {@code [from, to)} of a file at commit {@code sha}, streamed; a body that drops is
   * asked again from where it stopped.
   */
  public InputStream open(String repoId, String sha, String path, long from, long to) {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("bad range [" + from + ", " + to + ")");
    }
    URI uri = URI.create(endpoint + "/datasets/" + repoId + "/resolve/" + sha + "/"
        + encodePath(path));
    return new RangeStream(uri, HubUri.PREFIX + "datasets/" + repoId + "@" + sha + "/" + path,
        from, to);
  }

  private URI api(String repoId, String rest) {
    return URI.create(endpoint + "/api/datasets/" + repoId + "/" + rest);
  }

  private static String encodePath(String path) {
    StringBuilder b = new StringBuilder();
    for (String segment : path.split("/")) {
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(HubUri.encode(segment));
    }
    return b.toString();
  }

  private Object getJson(URI uri, String what) throws IOException {
    Response r = send(uri, null, what);
    try (InputStream in = r.body) {
      return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** The Hub's 404: no such repository, revision, file or folder. */
  static final class NotFound extends RefineryException {
    NotFound(String message) {
      super(message);
    }
  }

  /** A 200 or 206 answer. */
  private record Response(int status, InputStream body, List<String> links, String contentRange) {}

  /**
   * Sends a GET until it gets a 200 or 206, retrying what may pass; statuses that will not
   * (401, 403, 404, ...) fail at once with a message saying what to do.
   */
  private Response send(URI uri, String range, String what) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Duration retryAfter = null;
      String failure;
      try {
        HttpResponse<InputStream> r = followRedirects(uri, range, what);
        int status = r.statusCode();
        if (status == 200 || status == 206) {
          return new Response(status, r.body(), r.headers().allValues("Link"),
              r.headers().firstValue("Content-Range").orElse(null));
        }
        String body = excerpt(r.body());
        if (!RetryPolicy.retryableStatus(status)) {
          throw status == 404 ? new NotFound(what + ": " + fatal(status, body))
              : new RefineryException(what + ": " + fatal(status, body));
        }
        retryAfter = RetryPolicy.parseRetryAfter(r.headers().firstValue("Retry-After")
            .orElse(null), Instant.now());
        failure = "the Hub answered " + status;
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        failure = "the connection failed (" + oneLine(e) + ")";
      }
      if (attempt >= retry.maxAttempts()) {
        throw new IOException(failure + ", " + attempt + " times");
      }
      backoff(attempt, retryAfter);
    }
  }

  private void backoff(int attempt, Duration retryAfter) throws InterruptedIOException {
    retries.increment();
    try {
      sleeper.sleep(retry.delay(attempt - 1, retryAfter,
          () -> ThreadLocalRandom.current().nextDouble()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  private String fatal(int status, String body) {
    return switch (status) {
      case 401, 403 -> "the Hub answered " + status + (token == null
          ? ": the repository is gated or private; set HF_TOKEN to a token with access"
          : ": the token has no access to this repository (accept its terms on the Hub?)");
      case 404 -> "the Hub answered 404: no such repository, revision or file"
          + (token == null ? " (or a private one: set HF_TOKEN)" : "");
      case 416 -> "the Hub answered 416: the byte range is past the end of the file";
      default -> "the Hub answered " + status + (body.isEmpty() ? "" : ": " + body);
    };
  }

  private HttpResponse<InputStream> followRedirects(URI uri, String range, String what)
      throws IOException {
    URI known = redirects.get(uri);
    if (known != null) {
      // Where this file's last request was sent: one round trip instead of two per range.
      HttpResponse<InputStream> r = get(known, range);
      if (r.statusCode() == 200 || r.statusCode() == 206) {
        return r;
      }
      // An expired signature or a moved object: ask the Hub again.
      r.body().close();
      redirects.remove(uri);
    }
    URI at = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<InputStream> r = get(at, range);
      int status = r.statusCode();
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        String location = r.headers().firstValue("Location").orElse(null);
        r.body().close();
        if (location == null) {
          throw new RefineryException(what + ": the Hub answered " + status
              + " without a Location");
        }
        at = at.resolve(location);
        continue;
      }
      if (at != uri && (status == 200 || status == 206) && uri.getPath().contains("/resolve/")) {
        redirects.put(uri, at);
      }
      return r;
    }
    throw new RefineryException(what + ": more than " + MAX_REDIRECTS + " redirects");
  }

  private HttpResponse<InputStream> get(URI at, String range) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(at).timeout(timeout).GET()
        .header("User-Agent", "refinery");
    if (range != null) {
      b.header("Range", range);
    }
    // The storage backend gets a signed URL, never the token.
    if (token != null && sameOrigin(at)) {
      b.header("Authorization", "Bearer " + token);
    }
    requests.increment();
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  private boolean sameOrigin(URI uri) {
    return Objects.equals(uri.getScheme(), endpoint.getScheme())
        && Objects.equals(uri.getHost(), endpoint.getHost()) && port(uri) == port(endpoint);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  private static String excerpt(InputStream body) {
    try (InputStream in = body) {
      byte[] head = in.readNBytes(300);
      return new String(head, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    } catch (IOException e) {
      return "";
    }
  }

  private static String oneLine(IOException e) {
    String m = e.getMessage();
    if (m != null && !m.isBlank()) {
      return m.lines().findFirst().orElse(m);
    }
    // The JDK's client often says nothing but the exception's type.
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "timed out";
    }
    if (e instanceof EOFException || e instanceof java.nio.channels.ClosedChannelException) {
      return "connection closed";
    }
    return e.getClass().getSimpleName();
  }

  /** A file's bytes [next, end), reopened where it stopped when the connection drops. */
  private final class RangeStream extends InputStream {
    private final URI uri;
    private final String what;
    private final long end;
    private long next;
    private InputStream body;
    private int drops;

    RangeStream(URI uri, String what, long from, long end) {
      this.uri = uri;
      this.what = what;
      this.next = from;
      this.end = end;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (next >= end) {
        return -1;
      }
      int want = (int) Math.min(len, end - next);
      while (true) {
        try {
          if (body == null) {
            body = openAt(next);
          }
          int n = body.read(b, off, want);
          if (n < 0) {
            throw new EOFException("the body ended " + (end - next) + " bytes early");
          }
          next += n;
          bytesFetched.add(n);
          return n;
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          closeBody();
          if (++drops >= retry.maxAttempts()) {
            throw new IOException(what + ": the download dropped " + drops + " times ("
                + oneLine(e) + ")", e);
          }
          backoff(drops, null);
        }
      }
    }

    private InputStream openAt(long from) throws IOException {
      Response r = send(uri, "bytes=" + from + "-" + (end - 1), what);
      // A 206 says which bytes it holds; any other start (or none said) is not what was asked.
      if (r.status == 206 && (r.contentRange == null
          || !r.contentRange.strip().startsWith("bytes " + from + "-"))) {
        r.body.close();
        throw new IOException("asked for bytes from " + from + ", got " + r.contentRange);
      }
      if (r.status == 200 && from > 0) {
        // A server that ignores ranges sends the whole file: skip to where we are.
        r.body.skipNBytes(from);
      }
      return r.body;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = Math.max(0, Math.min(n, end - next));
      if (body != null && k <= SKIP_BY_READING) {
        return super.skip(k);
      }
      // Not started, or far ahead: the next request starts at the new position instead of
      // downloading what lies between.
      closeBody();
      next += k;
      return k;
    }

    @Override
    public int available() {
      return 0;
    }

    private void closeBody() {
      if (body != null) {
        try {
          body.close();
        } catch (IOException ignored) {
          // The connection is dropped either way.
        }
        body = null;
      }
    }

    @Override
    public void close() {
      closeBody();
      next = end;
    }
  }
}
