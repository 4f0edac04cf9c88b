package dev.refinery.sample;

import java.util.List;
import java.util.Map;

/**
 * One turn of a conversation. {@code content} may be null (an assistant turn that only calls
 * tools); {@code toolCalls} is null when the source had none, which a round trip keeps apart from
 * an empty list.
 */
public record Message(String role, String content, List<ToolCall> toolCalls,
                      Map<String, Object> extra) {

  public static final String SYSTEM = "system";
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";
  public static final String TOOL = "tool";

  public Message {
    if (role == null) {
      throw new IllegalArgumentException("a message needs a role");
    }
    toolCalls = toolCalls == null ? null : List.copyOf(toolCalls);
    extra = Extras.copyOf(extra);
  }

  public static Message of(String role, String content) {
    return new Message(role, content, null, null);
  }

  public List<ToolCall> toolCallsOrEmpty() {
    return toolCalls == null ? List.of() : toolCalls;
  }

  public boolean hasToolCalls() {
    return toolCalls != null && !toolCalls.isEmpty();
  }

  public boolean isUser() {
    return USER.equals(role);
  }

  public boolean isAssistant() {
    return ASSISTANT.equals(role);
  }

  public Message withContent(String newContent) {
    return new Message(role, newContent, toolCalls, extra);
  }
}
