package dev.refinery.generate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An OpenAI-compatible test server on loopback (public: the CLI tests use it through the
 * test-jar): answers {@code POST /v1/chat/completions} with
 * scripted replies (in order, then the fallback), records what it received, and counts how many
 * requests it was handling at once. A request with {@code "stream": true} gets its 200 chat
 * completion as Server-Sent Events, cut into small deltas as vLLM and OpenAI send them.
 */
public final class FakeChatServer implements AutoCloseable {

  /** One scripted answer. */
  @FunctionalInterface
  public interface Reply {
    void answer(HttpExchange exchange) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(32);
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private volatile boolean streamingOnly;
  private volatile Reply fallback = ok(completion("fallback answer", null));
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  /** Slow replies wait for this; close() lets them go. */
  private final CountDownLatch released = new CountDownLatch(1);

  /** A server on a free loopback port; unchecked, so tests can start one in a field. */
  public FakeChatServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  public FakeChatServer then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Every 200 chat completion goes out as an event stream, asked for or not. */
  public FakeChatServer streamingOnly() {
    streamingOnly = true;
    return this;
  }

  public FakeChatServer otherwise(Reply reply) {
    fallback = reply;
    return this;
  }

  public List<String> bodies() {
    return List.copyOf(bodies);
  }

  public List<String> authorizations() {
    return new ArrayList<>(authorizations); // null when a request had none
  }

  public int requests() {
    return bodies.size();
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    // A request stops counting as in flight when its answer starts: once the client has the
    // answer it may send the next request, which must not find this one still counted.
    AtomicBoolean counted = new AtomicBoolean(true);
    ANSWERING.set(() -> {
      if (counted.getAndSet(false)) {
        inFlight.decrementAndGet();
      }
    });
    try {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      CURRENT_BODY.set(body);
      STREAMING_ONLY.set(streamingOnly);
      bodies.add(body);
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      Reply reply = script.poll();
      (reply == null ? fallback : reply).answer(exchange);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      ANSWERING.get().run();
      ANSWERING.remove();
    }
  }

  /** Marks the current request as answered (no longer in flight); once per request. */
  private static final ThreadLocal<Runnable> ANSWERING = ThreadLocal.withInitial(() -> () -> { });

  // ---- replies ----

  // Exchange attributes are shared by the whole context, so the body rides with the thread.
  private static final ThreadLocal<String> CURRENT_BODY = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> STREAMING_ONLY = ThreadLocal.withInitial(() -> false);

  /** The body of the request a reply answers (replies run on the thread that read it). */
  public static String requestBody(HttpExchange exchange) {
    return CURRENT_BODY.get();
  }

  public static Reply ok(String json) {
    return status(200, json);
  }

  public static Reply status(int code, String body, String... headerPairs) {
    return exchange -> {
      String request = CURRENT_BODY.get();
      if (code == 200 && (STREAMING_ONLY.get()
          || request != null && request.contains("\"stream\":true")) && isCompletion(body)) {
        sse(body).answer(exchange);
        return;
      }
      for (int i = 0; i < headerPairs.length; i += 2) {
        exchange.getResponseHeaders().add(headerPairs[i], headerPairs[i + 1]);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ANSWERING.get().run();
      exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  /**
   * Answers with {@code completionJson} as an event stream, asked for or not (a server that only
   * streams): a role chunk, the reasoning and the content three code points at a time, each tool
   * call's name then its arguments in pieces, the finish reason, the usage in a chunk of its own
   * (as {@code stream_options.include_usage} asks), then {@code [DONE]}.
   */
  public static Reply sse(String completionJson) {
    return exchange -> {
      StringBuilder events = new StringBuilder();
      for (Object chunk : chunks(completionJson)) {
        events.append("data: ").append(Json.write(chunk)).append("\n\n");
      }
      events.append("data: [DONE]\n\n");
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      byte[] bytes = events.toString().getBytes(StandardCharsets.UTF_8);
      ANSWERING.get().run();
      exchange.sendResponseHeaders(200, 0); // chunked, as a streaming server sends
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  private static boolean isCompletion(String body) {
    return Json.parseOrNull(body) instanceof Map<?, ?> m
        && m.get("choices") instanceof List<?>;
  }

  /** The chunks a streaming server would send for this completion. */
  static List<Object> chunks(String completionJson) {
    Map<?, ?> top = (Map<?, ?>) Json.parseOrNull(
        completionJson);
    Map<?, ?> choice = (Map<?, ?>) ((List<?>) top.get("choices")).get(0);
    Map<?, ?> message = (Map<?, ?>) choice.get("message");
    List<Object> chunks = new ArrayList<>();
    Function<Map<String, Object>, Object> chunk = delta -> {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("index", 0);
      c.put("delta", delta);
      c.put("finish_reason", null);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", top.get("id"));
      out.put("object", "chat.completion.chunk");
      out.put("model", top.get("model"));
      out.put("choices", List.of(c));
      return out;
    };
    chunks.add(chunk.apply(new LinkedHashMap<>(Map.of("role", "assistant",
        "content", ""))));
    for (String key : new String[] {"reasoning_content", "reasoning", "content"}) {
      if (message.get(key) instanceof String text) {
        for (String piece : pieces(text)) {
          chunks.add(chunk.apply(new LinkedHashMap<>(Map.of(key, piece))));
        }
      }
    }
    if (message.get("tool_calls") instanceof List<?> calls) {
      for (int i = 0; i < calls.size(); i++) {
        Map<?, ?> call = (Map<?, ?>) calls.get(i);
        Map<?, ?> fn = (Map<?, ?>) call.get("function");
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("index", i);
        first.put("id", call.get("id"));
        first.put("type", "function");
        first.put("function", Map.of("name", fn.get("name"), "arguments", ""));
        chunks.add(chunk.apply(new LinkedHashMap<>(Map.of("tool_calls",
            List.of(first)))));
        Object args = fn.get("arguments");
        for (String piece : pieces(args instanceof String a ? a
            : Json.write(args))) {
          chunks.add(chunk.apply(new LinkedHashMap<>(Map.of("tool_calls",
              List.of(Map.of("index", i, "function",
                  Map.of("arguments", piece)))))));
        }
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> last = (Map<String, Object>) chunk.apply(
        new LinkedHashMap<>());
    ((Map<String, Object>) ((List<?>) last.get("choices")).get(0))
        .put("finish_reason", choice.get("finish_reason"));
    chunks.add(last);
    if (top.get("usage") != null) {
      Map<String, Object> usage = new LinkedHashMap<>();
      usage.put("id", top.get("id"));
      usage.put("object", "chat.completion.chunk");
      usage.put("model", top.get("model"));
      usage.put("choices", List.of());
      usage.put("usage", top.get("usage"));
      chunks.add(usage);
    }
    return chunks;
  }

  private static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    int[] cps = text.codePoints().toArray();
    for (int i = 0; i < cps.length; i += 3) {
      out.add(new String(cps, i, Math.min(3, cps.length - i)));
    }
    return out;
  }

  /** Closes the connection without any answer (HttpServer drops it when a handler throws). */
  public static Reply drop() {
    return exchange -> {
      throw new IOException("dropping the connection on purpose");
    };
  }

  /** Headers promise more bytes than are sent, then the connection closes. */
  public static Reply cutMidBody(String json) {
    return exchange -> {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      ANSWERING.get().run();
      exchange.sendResponseHeaders(200, bytes.length * 2L);
      OutputStream out = exchange.getResponseBody();
      out.write(bytes);
      out.flush();
      throw new IOException("cutting the body on purpose");
    };
  }

  /** Answers only once the test is over: the client times out first. */
  public Reply stall() {
    return exchange -> {
      released.await(30, TimeUnit.SECONDS);
      status(200, completion("too late", null)).answer(exchange);
    };
  }

  /** Waits until {@code gate} opens (all parties arrived) before answering. */
  public static Reply gated(CountDownLatch gate, Reply then) {
    return exchange -> {
      gate.countDown();
      gate.await(10, TimeUnit.SECONDS);
      then.answer(exchange);
    };
  }

  /** A chat completion body with the given content and optional reasoning_content. */
  public static String completion(String content, String reasoningContent) {
    StringBuilder message = new StringBuilder("{\"role\":\"assistant\",\"content\":")
        .append(content == null ? "null" : quote(content));
    if (reasoningContent != null) {
      message.append(",\"reasoning_content\":").append(quote(reasoningContent));
    }
    message.append('}');
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"test-model\","
        + "\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46}}";
  }

  public static String quote(String s) {
    return Json.write(s);
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
