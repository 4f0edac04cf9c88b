package dev.refinery.template;

import dev.refinery.RefineryException;
import java.util.Locale;

/**
 * How to render: whether to end with the header of an assistant turn for the model to complete,
 * what to do with the {@code <think>} block of assistant turns, and whether the tool definitions
 * of {@code metadata.tools} go into the prompt (templates that take {@code tools}). Without tools,
 * a sample that defines some fails to render rather than losing them silently. {@code
 * wrapBareTools}: bare tool entries ({@code {"name", "description", "parameters"}}, as glaive
 * writes them) reach a Jinja template in OpenAI's {@code {"type": "function", "function": {...}}}
 * shape, as transformers passes tools; off, they reach it as written.
 */
public record RenderOptions(boolean addGenerationPrompt, Reasoning reasoning, boolean tools,
                            boolean wrapBareTools) {

  public static final RenderOptions DEFAULT = new RenderOptions(false, Reasoning.KEEP, true);

  public RenderOptions {
    if (reasoning == null) {
      reasoning = Reasoning.KEEP;
    }
  }

  /** Bare tool entries wrapped in OpenAI's shape. */
  public RenderOptions(boolean addGenerationPrompt, Reasoning reasoning, boolean tools) {
    this(addGenerationPrompt, reasoning, tools, true);
  }

  /** With tool definitions rendered. */
  public RenderOptions(boolean addGenerationPrompt, Reasoning reasoning) {
    this(addGenerationPrompt, reasoning, true);
  }

  /** What happens to the reasoning trace of assistant turns. */
  public enum Reasoning {
    /** Leave the {@code <think>} block inline, as written. */
    KEEP,
    /** Remove the {@code <think>} block from every assistant turn. */
    STRIP,
    /** Keep the block for reasoning "on" rows, strip it from all others. */
    ON_ONLY;

    /** Parses {@code keep}, {@code strip} or {@code on-only}. */
    public static Reasoning parse(String text) {
      String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      return switch (t) {
        case "keep" -> KEEP;
        case "strip" -> STRIP;
        case "on-only", "on_only" -> ON_ONLY;
        default -> throw new RefineryException("unknown reasoning mode '" + text
            + "'; use keep, strip or on-only");
      };
    }
  }
}
