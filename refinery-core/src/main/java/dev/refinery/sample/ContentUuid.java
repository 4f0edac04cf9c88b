package dev.refinery.sample;

import dev.refinery.internal.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Deterministic ids for records that come without one: a name-based UUID version 5 (RFC 4122
 * section 4.3, SHA-1) of the sample's canonical JSON under {@link #NAMESPACE}. The same content
 * always gets the same id, on any machine and in any run, so converting a file twice gives the
 * same output and duplicates across files share an id.
 *
 * <p>The canonical JSON is every field of the sample except {@code uuid} (license, generator,
 * version, category, reasoning, messages with their tool calls and unknown fields, metadata, and
 * the sample's unknown fields), written compactly with object keys sorted and nulls kept.
 */
public final class ContentUuid {
  /**
   * The namespace of content ids: {@code uuid5(NAMESPACE_URL,
   * "https://refinery.dev/ns/sample-content")}. Never change it: every id ever issued depends on
   * it.
   */
  public static final UUID NAMESPACE = UUID.fromString("c031fa6f-696f-54ed-961a-6067cdc68b69");

  private ContentUuid() {}

  /** The content id of a sample, ignoring its current uuid. */
  public static String of(Sample sample) {
    return v5(NAMESPACE, canonicalJson(sample)).toString();
  }

  /** A version 5 UUID of {@code name} (as UTF-8) in {@code namespace}. */
  public static UUID v5(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
    sha1.update(ByteBuffer.allocate(16)
        .putLong(namespace.getMostSignificantBits())
        .putLong(namespace.getLeastSignificantBits())
        .array());
    byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
    return new UUID(bits.getLong(), bits.getLong());
  }

  /** The text the id is computed from; visible so that users can reproduce an id. */
  public static String canonicalJson(Sample s) {
    Map<String, Object> content = new TreeMap<>();
    content.put("license", s.license());
    content.put("generator", s.generator());
    content.put("version", s.version());
    content.put("category", s.category());
    content.put("reasoning", s.reasoning());
    List<Object> messages = new ArrayList<>(s.messages().size());
    for (Message m : s.messages()) {
      messages.add(message(m));
    }
    content.put("messages", messages);
    content.put("metadata", s.metadata());
    // Unknown fields are content too, but may not shadow the named ones.
    content.put("extra", sorted(s.extra()));
    return Json.write(content);
  }

  private static Map<String, Object> message(Message m) {
    Map<String, Object> out = new TreeMap<>();
    out.put("role", m.role());
    out.put("content", m.content());
    if (m.toolCalls() != null) {
      List<Object> calls = new ArrayList<>(m.toolCalls().size());
      for (ToolCall c : m.toolCalls()) {
        Map<String, Object> call = new TreeMap<>();
        call.put("id", c.id());
        call.put("type", c.type());
        if (c.function() != null) {
          Map<String, Object> fn = new TreeMap<>();
          fn.put("name", c.function().name());
          fn.put("arguments", c.function().arguments());
          fn.put("extra", sorted(c.function().extra()));
          call.put("function", fn);
        }
        call.put("extra", sorted(c.extra()));
        calls.add(call);
      }
      out.put("tool_calls", calls);
    }
    out.put("extra", sorted(m.extra()));
    return out;
  }

  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(sorted(item));
      }
      return out;
    }
    return value;
  }
}
