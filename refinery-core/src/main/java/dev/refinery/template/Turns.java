package dev.refinery.template;

import dev.refinery.RefineryException;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolDefinitions;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain-chat turns of a sample, checked and with the reasoning mode applied: what every
 * built-in template renders from.
 */
final class Turns {
  private Turns() {}

  /** A checked turn: role system, user or assistant, content never null. */
  record Turn(String role, String content) {
    boolean is(String r) {
      return role.equals(r);
    }
  }

  static List<Turn> of(Sample sample, RenderOptions options, String template) {
    List<Message> messages = sample.messages();
    if (messages.isEmpty()) {
      throw fail(sample, template, "no messages");
    }
    boolean strip = switch (options.reasoning()) {
      case KEEP -> false;
      case STRIP -> true;
      case ON_ONLY -> !sample.reasoningOn();
    };
    if (ToolDefinitions.any(sample.metadata())) {
      // Rendering without them would silently drop the tool definitions from the prompt.
      throw fail(sample, template, "metadata.tools defines tools, which the built-in templates cannot write; render with "
          + "the model's own chat template (its tokenizer_config.json) instead");
    }
    List<Turn> turns = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String role = m.role();
      if (Message.TOOL.equals(role) || m.hasToolCalls()) {
        throw fail(sample, template, "message " + i + " is a tool "
            + (m.hasToolCalls() ? "call" : "reply") + ", which the built-in templates cannot write; "
            + "render with the model's own chat template (its tokenizer_config.json) instead");
      }
      if (!Message.SYSTEM.equals(role) && !m.isUser() && !m.isAssistant()) {
        throw fail(sample, template, "message " + i + " has role '" + role
            + "'; only system, user and assistant are supported");
      }
      String content = m.content();
      if (content == null) {
        throw fail(sample, template, "message " + i + " (" + role + ") has no content");
      }
      if (strip && m.isAssistant()) {
        content = stripThink(sample, template, i, content);
      }
      turns.add(new Turn(role, content));
    }
    return turns;
  }

  private static String stripThink(Sample sample, String template, int index, String content) {
    ThinkBlock block = ThinkBlock.parse(content);
    return switch (block.state()) {
      case ABSENT -> content;
      case CLOSED -> block.answer();
      case UNTERMINATED -> throw fail(sample, template, "message " + index
          + " has an unterminated <think> block; cannot strip it");
      case STRAY_TAG -> throw fail(sample, template, "message " + index
          + " has a stray think tag; cannot strip it");
    };
  }

  static RefineryException fail(Sample sample, String template, String reason) {
    return new RefineryException("sample " + sample.uuid() + ": cannot render with " + template
        + ": " + reason);
  }
}
