package dev.refinery.template.prompt;

import dev.refinery.RefineryException;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a sample's reasoning mode ({@code reasoning} "on"/"off") into its system prompt, the way
 * reasoning models are told whether to think.
 *
 * <ul>
 *   <li>{@link #DETAILED_THINKING}: "detailed thinking on" / "detailed thinking off", the
 *       Llama-Nemotron v1 convention, where that line is the whole system prompt.
 *   <li>{@link #THINK}: "/think" / "/no_think", the Qwen3 soft switch, which Qwen3 documents for
 *       the system or the user message and which Llama-3.3-Nemotron-Super-49B-v1.5 (the model
 *       trained on this dataset) takes in the system prompt. The system prompt is used because
 *       the row's reasoning mode holds for the whole conversation, and Qwen3 follows the latest
 *       switch, so a switch in the first user turn could be overridden by later turns' text.
 * </ul>
 *
 * <p>A sample without a system message gets one holding just the toggle; an empty one becomes the
 * toggle; a non-empty one gets the toggle on a new line after its text. A toggle of the same style
 * already there is never duplicated: the right one is left ({@code toggle_present}), a wrong one
 * (e.g. "/think" on a reasoning "off" row) is replaced ({@code toggle_replaced}). Rows whose
 * reasoning is neither "on" nor "off" are left unchanged ({@code toggle_no_reasoning}).
 */
public enum ReasoningToggle {
  NONE(null, null, null),
  DETAILED_THINKING("detailed thinking on", "detailed thinking off",
      Pattern.compile("detailed thinking (?:on|off)\\b", Pattern.CASE_INSENSITIVE)),
  THINK("/think", "/no_think", Pattern.compile("(?<!\\S)/(?:no_)?think(?!\\S)"));

  private final String on;
  private final String off;
  private final Pattern existing;

  ReasoningToggle(String on, String off, Pattern existing) {
    this.on = on;
    this.off = off;
    this.existing = existing;
  }

  /** Parses {@code none}, {@code detailed-thinking} or {@code think}. */
  public static ReasoningToggle parse(String text) {
    String t = text == null ? "none" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (t) {
      case "none" -> NONE;
      case "detailed-thinking" -> DETAILED_THINKING;
      case "think", "no-think" -> THINK;
      default -> throw new RefineryException("unknown reasoning toggle '" + text
          + "'; use none, detailed-thinking or think");
    };
  }

  /** The toggle text for a reasoning value, or null when the value is neither on nor off. */
  public String textFor(String reasoning) {
    if (Sample.REASONING_ON.equals(reasoning)) {
      return on;
    }
    return Sample.REASONING_OFF.equals(reasoning) ? off : null;
  }

  /**
   * The sample with its toggle in the system prompt; {@code tally} hears {@code toggle_set},
   * {@code toggle_present}, {@code toggle_replaced} or {@code toggle_no_reasoning}.
   */
  public Sample apply(Sample sample, Consumer<String> tally) {
    if (this == NONE) {
      return sample;
    }
    String want = textFor(sample.reasoning());
    if (want == null) {
      tally.accept("toggle_no_reasoning");
      return sample;
    }
    List<Message> messages = new ArrayList<>(sample.messages());
    boolean hasSystem = !messages.isEmpty() && Message.SYSTEM.equals(messages.get(0).role());
    String current = hasSystem && messages.get(0).content() != null
        ? messages.get(0).content() : "";
    Matcher m = existing.matcher(current);
    boolean found = false;
    boolean wrong = false;
    while (m.find()) {
      found = true;
      wrong |= !m.group().equalsIgnoreCase(want);
    }
    String updated;
    if (found && !wrong) {
      tally.accept("toggle_present");
      return sample;
    } else if (found) {
      String rest = existing.matcher(current).replaceAll("").strip();
      updated = rest.isEmpty() ? want : rest + "\n" + want;
      tally.accept("toggle_replaced");
    } else {
      updated = current.isBlank() ? want : current + (current.endsWith("\n") ? "" : "\n") + want;
      tally.accept("toggle_set");
    }
    if (hasSystem) {
      messages.set(0, messages.get(0).withContent(updated));
    } else {
      messages.add(0, Message.of(Message.SYSTEM, updated));
    }
    return sample.withMessages(messages);
  }
}
