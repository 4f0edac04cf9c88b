package dev.refinery.template;

import dev.refinery.RefineryException;
import dev.refinery.sample.Sample;
import dev.refinery.template.prompt.PromptTemplates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The record {@code refinery format} writes per sample. Every shape starts with the sample's
 * {@code uuid} (so a training row can be traced back and deduplicated); the rest is the shape's.
 *
 * <ul>
 *   <li>{@link #TEXT}: {@code {"uuid", "text"}}, the text a chat template renders.
 *   <li>{@link #INST}: {@code {"uuid", "text"}} in the {@code [INST]} form of the card's example,
 *       {@code "[INST] prompt [/INST] answer"}: one space inside the brackets, no {@code <s>} at
 *       the start and no {@code </s>} at the end, because the trainer's tokenizer adds BOS and EOS
 *       to a text field (writing them too would double them). A system prompt goes first inside
 *       the first {@code [INST]} as Llama 2 does, {@code <<SYS>>\n...\n<</SYS>>\n\n}. Multi-turn
 *       conversations continue Llama 2's way, {@code ... answer1</s><s>[INST] prompt2 [/INST]
 *       answer2}: the inner boundaries are written, the outer ones left to the tokenizer. Roles
 *       must alternate user/assistant.
 *   <li>{@link #INSTRUCTION}: {@code {"uuid", "instruction", "input", "output"}}, the card's math
 *       tutor / coding assistant / research assistant records: {@code instruction} is the role
 *       instruction of the sample's category ({@link #roleInstruction}) after the sample's own
 *       system prompt if it has one, {@code input} the user's prompt, {@code output} the
 *       assistant's answer (its {@code <think>} block per the reasoning mode). One exchange only:
 *       a multi-turn sample is rejected, not cut.
 * </ul>
 *
 * Samples with tool calls or tool definitions are rejected by every shape (with their uuid), never
 * written without them.
 */
public enum OutputShape {
  TEXT, INST, INSTRUCTION;

  /** Parses {@code text}, {@code inst} or {@code instruction}. */
  public static OutputShape parse(String text) {
    String t = text == null ? "text" : text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "text" -> TEXT;
      case "inst" -> INST;
      case "instruction" -> INSTRUCTION;
      default -> throw new RefineryException("unknown shape '" + text
          + "'; use text, inst or instruction");
    };
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role instruction of an instruction record, by category: math tutor, coding assistant,
   * research assistant (stem), and the chat system prompt for chat and anything else.
   */
  public static String roleInstruction(String category) {
    String c = category == null ? "" : category;
    return switch (c) {
      case "math" -> "You are a math tutor. " + PromptTemplates.MATH_INSTRUCTION;
      case "code" -> "You are a coding assistant. " + PromptTemplates.CODE_INSTRUCTION;
      case "stem" -> "You are a research assistant. " + PromptTemplates.STEM_INSTRUCTION;
      default -> PromptTemplates.CHAT_SYSTEM_PROMPT;
    };
  }

  /**
   * The record's fields in order, values strings.
   *
   * @param chat the chat template for {@link #TEXT}; ignored by the other shapes
   * @throws RefineryException naming the sample's uuid when the shape cannot express it
   */
  public Map<String, String> record(Sample sample, ChatTemplate chat, RenderOptions options) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("uuid", sample.uuid());
    switch (this) {
      case TEXT -> m.put("text", chat.render(sample, options));
      case INST -> m.put("text", inst(sample, options));
      case INSTRUCTION -> instruction(sample, options, m);
      default -> throw new IllegalStateException(name());
    }
    return m;
  }

  private static String inst(Sample sample, RenderOptions options) {
    List<Turns.Turn> turns = Turns.of(sample, options, "inst");
    String system = null;
    if (turns.get(0).is("system")) {
      system = turns.get(0).content();
      turns = turns.subList(1, turns.size());
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < turns.size(); i++) {
      Turns.Turn t = turns.get(i);
      if (t.is("system")) {
        throw Turns.fail(sample, "inst", "a system message is only allowed first");
      }
      if (t.is("user") != (i % 2 == 0)) {
        throw Turns.fail(sample, "inst",
            "conversation roles must alternate user/assistant/user/assistant/...");
      }
      if (t.is("user")) {
        if (i > 0) {
          b.append("</s><s>");
        }
        b.append("[INST] ");
        if (i == 0 && system != null && !system.isEmpty()) {
          b.append("<<SYS>>\n").append(system).append("\n<</SYS>>\n\n");
        }
        b.append(t.content()).append(" [/INST]");
      } else {
        b.append(' ').append(t.content());
      }
    }
    if (turns.isEmpty()) {
      throw Turns.fail(sample, "inst", "no user turn");
    }
    return b.toString();
  }

  private static void instruction(Sample sample, RenderOptions options, Map<String, String> m) {
    List<Turns.Turn> turns = Turns.of(sample, options, "instruction");
    String system = null;
    if (turns.get(0).is("system")) {
      system = turns.get(0).content();
      turns = turns.subList(1, turns.size());
    }
    boolean ok = turns.size() == 2 && turns.get(0).is("user") && turns.get(1).is("assistant");
    if (!ok) {
      long users = turns.stream().filter(t -> t.is("user")).count();
      throw Turns.fail(sample, "instruction", "an instruction record holds one user turn and "
          + "its answer; this sample has " + users + " user turn(s) and " + turns.size()
          + " turns after the system prompt");
    }
    String role = roleInstruction(sample.category());
    m.put("instruction", system == null || system.isBlank() ? role : system + "\n\n" + role);
    m.put("input", turns.get(0).content());
    m.put("output", turns.get(1).content());
  }
}
