package dev.refinery.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible chat completions server on loopback that answers every request at once
 * with the same small completion: the peer for measuring the generation client alone. Prints its
 * port on the first line of stdout and serves until killed.
 */
public final class InstantChatServer {
  private InstantChatServer() {}

  static final byte[] ANSWER = ("{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"bench\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
      + "\"<think>\\nEasy.\\n</think>\\n\\nThe answer is \\\\boxed{4}.\"},\"finish_reason\":"
      + "\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":14,"
      + "\"total_tokens\":26}}").getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws IOException {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.createContext("/v1/chat/completions", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, ANSWER.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ANSWER);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(threads));
    server.start();
    System.out.println(server.getAddress().getPort());
    System.out.flush();
  }
}
