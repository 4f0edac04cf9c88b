package dev.refinery.generate;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a model family is asked to reason or not, and how its answer is stored in the Nemotron v1
 * form.
 *
 * <p>The switch only changes the request: the output row keeps the prompt's own messages and says
 * the mode in its {@code reasoning} field. With reasoning on the final turn is stored {@code
 * <think>\ntrace\n</think>\n\nanswer}; with reasoning off it is the bare answer (v1 off rows carry
 * no think block, so the empty one Qwen3 writes with thinking disabled is dropped).
 *
 * <p>DeepSeek-R1 style models (R1, R1-0528 and their distills) have no switch: they always reason.
 * Reasoning off is therefore refused for that style rather than faked with a plain prompt, which
 * would still produce a trace; use another family's model for off responses.
 *
 * <p>Serializable: a generate step holds its modes and is shipped to runners serialized.
 */
public record ReasoningMode(Style style, boolean on) implements Serializable {

  /** The switch a model family understands. */
  public enum Style {
    /** Llama-Nemotron: the system prompt "detailed thinking on" / "detailed thinking off". */
    DETAILED_THINKING,
    /** Qwen3 soft switch and Nemotron v1.5: "/think" / "/no_think" in the system prompt. */
    SLASH_THINK,
    /** Qwen3 hard switch: {@code chat_template_kwargs: {"enable_thinking": true|false}}. */
    QWEN3_ENABLE_THINKING,
    /** DeepSeek-R1: no switch, always on. */
    DEEPSEEK_R1
  }

  private static final Pattern DETAILED_TOGGLE =
      Pattern.compile("(?im)^[ \\t]*detailed thinking (on|off)[ \\t]*\\R?");
  private static final Pattern SLASH_TOGGLE = Pattern.compile("(^|\\s)/(no_)?think(?=\\s|$)");

  public ReasoningMode {
    if (style == null) {
      throw new IllegalArgumentException("a reasoning mode needs a style");
    }
    if (style == Style.DEEPSEEK_R1 && !on) {
      throw new IllegalArgumentException("DeepSeek-R1 style models always reason: reasoning off "
          + "is not supported for them; use a model with a switch (Qwen3, Llama-Nemotron)");
    }
  }

  /**
   * The modes {@code reasoning} (on, off, both: on then off) asks for, in the switch {@code
   * style} names (detailed-thinking, slash-think, qwen3, deepseek-r1).
   */
  public static List<ReasoningMode> parse(String style, String reasoning) {
    Style s = switch (style) {
      case "detailed-thinking" -> Style.DETAILED_THINKING;
      case "slash-think" -> Style.SLASH_THINK;
      case "qwen3" -> Style.QWEN3_ENABLE_THINKING;
      case "deepseek-r1" -> Style.DEEPSEEK_R1;
      default -> throw new dev.refinery.RefineryException("unknown --mode-style '" + style
          + "'; valid: detailed-thinking, slash-think, qwen3, deepseek-r1");
    };
    List<Boolean> on = switch (reasoning) {
      case "on" -> List.of(true);
      case "off" -> List.of(false);
      case "both" -> List.of(true, false);
      default -> throw new dev.refinery.RefineryException("unknown --reasoning '" + reasoning
          + "'; valid: on, off, both");
    };
    List<ReasoningMode> modes = new ArrayList<>();
    for (boolean b : on) {
      try {
        modes.add(new ReasoningMode(s, b));
      } catch (IllegalArgumentException e) {
        throw new dev.refinery.RefineryException(e.getMessage());
      }
    }
    return modes;
  }

  /** The mode as settings name it: {@code qwen3_enable_thinking:on}. */
  public String settingsName() {
    return style.name().toLowerCase(java.util.Locale.ROOT) + ":" + reasoning();
  }

  /** The v1 {@code reasoning} value: "on" or "off". */
  public String reasoning() {
    return on ? Sample.REASONING_ON : Sample.REASONING_OFF;
  }

  /** The request with this mode's switch set (any switch already in the prompt is replaced). */
  public ChatRequest apply(ChatRequest request) {
    switch (style) {
      case DETAILED_THINKING:
        return request.withMessages(withSystemToggle(request.messages(),
            on ? "detailed thinking on" : "detailed thinking off", true));
      case SLASH_THINK:
        return request.withMessages(withSystemToggle(request.messages(),
            on ? "/think" : "/no_think", false));
      case QWEN3_ENABLE_THINKING: {
        Map<String, Object> extra = new LinkedHashMap<>(request.extra());
        Map<String, Object> kwargs = new LinkedHashMap<>();
        if (extra.get("chat_template_kwargs") instanceof Map<?, ?> given) {
          given.forEach((k, v) -> kwargs.put(String.valueOf(k), v));
        }
        kwargs.put("enable_thinking", on);
        extra.put("chat_template_kwargs", kwargs);
        return request.withExtra(extra);
      }
      case DEEPSEEK_R1:
      default:
        return request;
    }
  }

  /**
   * The toggle goes first ({@code detailed thinking}, which Llama-Nemotron expects as the whole
   * first line) or last ({@code /think}) in the system prompt, which is created when the prompt
   * has none.
   */
  private static List<Message> withSystemToggle(List<Message> messages, String toggle,
      boolean first) {
    List<Message> out = new ArrayList<>(messages);
    if (!out.isEmpty() && Message.SYSTEM.equals(out.get(0).role())) {
      String existing = out.get(0).content() == null ? "" : out.get(0).content();
      existing = SLASH_TOGGLE.matcher(DETAILED_TOGGLE.matcher(existing).replaceAll(""))
          .replaceAll("$1").strip();
      String content = existing.isEmpty() ? toggle
          : first ? toggle + "\n" + existing : existing + "\n" + toggle;
      out.set(0, out.get(0).withContent(content));
    } else {
      out.add(0, Message.of(Message.SYSTEM, toggle));
    }
    return out;
  }

  /**
   * The final assistant turn's content in the v1 form: {@code <think>\ntrace\n</think>\n\nanswer}
   * with reasoning on, the bare answer with reasoning off. Check {@link #mismatch} first: this
   * method stores what it is given.
   */
  public String v1Content(ChatResponse response) {
    if (!on) {
      return response.answer();
    }
    String trace = response.trace() == null ? "" : response.trace();
    return new StringBuilder(trace.length() + response.answer().length() + 24)
        .append(ThinkBlock.OPEN).append('\n').append(trace).append('\n')
        .append(ThinkBlock.CLOSE).append("\n\n").append(response.answer()).toString();
  }

  /** Why the response does not fit this mode (a row should not be made of it), if it does not. */
  public Optional<String> mismatch(ChatResponse response) {
    if (response.traceState() == ThinkBlock.State.STRAY_TAG && response.trace() != null
        && (response.trace().contains(ThinkBlock.OPEN)
            || response.answer().contains(ThinkBlock.OPEN)
            || response.answer().contains(ThinkBlock.CLOSE))) {
      return Optional.of("the response repeats think tags");
    }
    if (on) {
      if (response.traceState() == ThinkBlock.State.UNTERMINATED) {
        return Optional.of("the reasoning trace is not terminated (finish_reason "
            + response.finishReason() + ")");
      }
      if (!response.hasTrace() && response.toolCalls().isEmpty()) {
        return Optional.of("reasoning on but the response has no reasoning trace");
      }
    } else if (response.hasTrace()) {
      return Optional.of("reasoning off but the response has a reasoning trace of "
          + response.trace().length() + " chars");
    }
    return Optional.empty();
  }
}
