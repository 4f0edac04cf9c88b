package dev.refinery.cli;

import dev.refinery.sample.JsonValues;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import dev.refinery.sample.ToolDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A readable terminal view of one sample: a header line, then each message under its role, with
 * the {@code <think>} trace and very long content folded unless {@code full}. Content is printed
 * as is (no re-wrapping), since code and math lose meaning when re-flowed.
 */
final class SampleView {
  /** Lines of a reasoning trace shown before it is folded. */
  static final int TRACE_LINES = 3;
  /** Content longer than this many lines is folded... */
  static final int LONG_CONTENT_LINES = 40;
  /** ...to this many. */
  static final int FOLDED_CONTENT_LINES = 30;
  /** Tool-call arguments longer than this (in characters) are cut. */
  static final int LONG_ARGUMENTS = 300;

  private final boolean full;
  private final Style style;

  SampleView(boolean full, boolean color) {
    this.full = full;
    this.style = color ? Style.ANSI : Style.PLAIN;
  }

  /**
   * @param index 1-based position among the samples shown
   * @param split the split of the file the sample came from, or null
   */
  String render(Sample s, String split, int index) {
    StringBuilder out = new StringBuilder();
    List<String> facts = new ArrayList<>();
    String where = split == null || split.equals(s.category()) ? s.category()
        : split + "/" + (s.category() == null ? "-" : s.category());
    addIfPresent(facts, where);
    addIfPresent(facts, s.generator());
    if (s.reasoning() != null) {
      facts.add("reasoning " + s.reasoning());
    }
    addIfPresent(facts, s.license());
    String title = "━━━ #" + index + " " + (s.uuid() == null ? "(no uuid)" : s.uuid()) + " ━━━";
    out.append(style.bold(title));
    if (!facts.isEmpty()) {
      out.append(' ').append(String.join(" · ", facts));
    }
    out.append('\n');
    java.util.Set<String> tools = ToolDefinitions.names(s.metadata());
    if (!tools.isEmpty()) {
      out.append(style.dim("tools: " + String.join(", ", tools))).append('\n');
    }
    for (Message m : s.messages()) {
      renderMessage(out, m);
    }
    if (s.messages().isEmpty()) {
      out.append(style.dim("(no messages)")).append('\n');
    }
    return out.toString();
  }

  private void renderMessage(StringBuilder out, Message m) {
    out.append(style.role(m.role(), "── " + m.role() + label(m) + " ──")).append('\n');
    if (m.content() == null || m.content().isBlank()) {
      // A turn that only calls tools usually has empty content; say so only when nothing follows.
      if (!m.hasToolCalls()) {
        out.append(style.dim(m.content() == null ? "(no content)" : "(empty)")).append('\n');
      }
    } else if (m.isAssistant()) {
      renderAssistantContent(out, m.content());
    } else {
      appendFolded(out, m.content(), LONG_CONTENT_LINES, FOLDED_CONTENT_LINES);
    }
    for (ToolCall call : m.toolCallsOrEmpty()) {
      out.append("→ ").append(toolCall(call));
      if (call.id() != null) {
        out.append(style.dim("  [" + call.id() + "]"));
      }
      out.append('\n');
    }
  }

  /** A tool reply often says which call or tool it answers; show that beside the role. */
  private static String label(Message m) {
    Map<String, Object> extra = m.extra();
    Object name = extra.get("name");
    Object callId = extra.get("tool_call_id");
    List<String> parts = new ArrayList<>();
    if (name instanceof String n) {
      parts.add(n);
    }
    if (callId instanceof String id) {
      parts.add(id);
    }
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  private void renderAssistantContent(StringBuilder out, String content) {
    ThinkBlock think = ThinkBlock.parse(content);
    if (think.state() == ThinkBlock.State.ABSENT) {
      appendFolded(out, content.strip(), LONG_CONTENT_LINES, FOLDED_CONTENT_LINES);
      return;
    }
    String note = switch (think.state()) {
      case UNTERMINATED -> "  (no </think>: the trace runs to the end)";
      case STRAY_TAG -> "  (stray think tag)";
      default -> "";
    };
    if (think.trace().isEmpty()) {
      out.append(style.dim("<think></think>" + note)).append('\n');
    } else {
      out.append(style.dim(ThinkBlock.OPEN + note)).append('\n');
      appendFolded(out, think.trace(), TRACE_LINES, TRACE_LINES);
      out.append(style.dim(ThinkBlock.CLOSE)).append('\n');
    }
    if (!think.answer().isEmpty()) {
      appendFolded(out, think.answer(), LONG_CONTENT_LINES, FOLDED_CONTENT_LINES);
    }
  }

  /** Appends text; past {@code limit} lines keeps the first {@code keep} and says what is hidden. */
  private void appendFolded(StringBuilder out, String text, int limit, int keep) {
    String[] lines = text.split("\n", -1);
    if (full || lines.length <= limit) {
      out.append(text).append('\n');
      return;
    }
    for (int i = 0; i < keep; i++) {
      out.append(lines[i]).append('\n');
    }
    String hidden = String.join("\n", List.of(lines).subList(keep, lines.length));
    out.append(style.dim("… (" + (lines.length - keep) + " more lines, "
        + hidden.codePointCount(0, hidden.length()) + " chars; --full to show)")).append('\n');
  }

  /**
   * {@code name(key=value, ...)} with values as compact JSON when the arguments are a JSON object;
   * the raw text otherwise.
   */
  String toolCall(ToolCall call) {
    String name = call.name() == null ? "(no name)" : call.name();
    String raw = call.arguments();
    String args;
    Object parsed = JsonValues.parseOrNull(raw);
    if (parsed instanceof Map<?, ?> map) {
      List<String> parts = new ArrayList<>();
      map.forEach((k, v) -> parts.add(k + "=" + JsonValues.write(v)));
      args = String.join(", ", parts);
    } else if (raw == null) {
      args = "";
    } else {
      args = parsed == null ? raw + "  ⚠ not valid JSON" : raw;
    }
    int length = args.codePointCount(0, args.length());
    if (!full && length > LONG_ARGUMENTS) {
      int cut = args.offsetByCodePoints(0, LONG_ARGUMENTS);
      args = args.substring(0, cut) + style.dim("… (" + (length - LONG_ARGUMENTS)
          + " more chars; --full to show)");
    }
    return name + "(" + args + ")";
  }

  private static void addIfPresent(List<String> facts, String value) {
    if (value != null && !value.isEmpty()) {
      facts.add(value);
    }
  }

  /** ANSI styling, or none when the output is not a terminal. */
  enum Style {
    PLAIN, ANSI;

    String bold(String s) {
      return this == ANSI ? "\u001b[1m" + s + "\u001b[0m" : s;
    }

    String dim(String s) {
      return this == ANSI ? "\u001b[2m" + s + "\u001b[0m" : s;
    }

    String role(String role, String s) {
      if (this == PLAIN) {
        return s;
      }
      String color = switch (role) {
        case Message.USER -> "32";
        case Message.ASSISTANT -> "36";
        case Message.TOOL -> "33";
        default -> "35";
      };
      return "\u001b[1;" + color + "m" + s + "\u001b[0m";
    }
  }
}
