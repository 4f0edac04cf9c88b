package dev.refinery.template.prompt;

import dev.refinery.RefineryException;
import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Prompt templates by sample category. The built-ins are the per-category templates quoted for
 * Nemotron Post-Training Dataset v1 (math, code, stem: an instruction before the problem; chat: a
 * system prompt). {@link #auto()} picks a sample's template by its {@code category}; a category
 * with no template (tool_calling, or anything unknown) is left as it is and counted as {@code
 * no_template}. The key {@link #ALL} matches every sample.
 */
public final class PromptTemplates implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String MATH_INSTRUCTION = "Solve the following math problem. Explain your "
      + "reasoning and put the final answer in \\boxed{}.";
  public static final String CODE_INSTRUCTION = "Write a solution for the following programming "
      + "challenge. Provide a brief explanation of your approach, followed by the complete code.";
  public static final String STEM_INSTRUCTION = "Read the following problem carefully and provide "
      + "a detailed, step-by-step answer.";
  public static final String CHAT_SYSTEM_PROMPT = "You are a helpful and friendly AI assistant.";

  /** The category key that matches every sample. */
  public static final String ALL = "all";

  /** The built-in names: {@code auto} and one per category. */
  public static final List<String> BUILT_IN = List.of("auto", "math", "code", "stem", "chat");

  private static final Map<String, PromptTemplate> CARD = Map.of(
      "math", PromptTemplate.instruction("math", MATH_INSTRUCTION, null),
      "code", PromptTemplate.instruction("code", CODE_INSTRUCTION, null),
      "stem", PromptTemplate.instruction("stem", STEM_INSTRUCTION, null),
      "chat", PromptTemplate.of("chat", null, CHAT_SYSTEM_PROMPT));

  private final String name;
  private final Map<String, PromptTemplate> byCategory;

  private PromptTemplates(String name, Map<String, PromptTemplate> byCategory) {
    this.name = name;
    this.byCategory = Collections.unmodifiableMap(new LinkedHashMap<>(byCategory));
  }

  /** The card's template for one category. */
  public static PromptTemplate card(String category) {
    PromptTemplate t = CARD.get(category);
    if (t == null) {
      throw new RefineryException("no built-in prompt template '" + category + "'; built-ins: "
          + String.join(", ", BUILT_IN));
    }
    return t;
  }

  /** Each sample gets its category's built-in template. */
  public static PromptTemplates auto() {
    Map<String, PromptTemplate> m = new LinkedHashMap<>();
    for (String c : List.of("math", "code", "stem", "chat")) {
      m.put(c, CARD.get(c));
    }
    return new PromptTemplates("auto", m);
  }

  /**
   * {@code auto}, or one built-in applied to every sample whatever its category ({@code math}
   * puts the math instruction on every row), or null for {@code none}.
   */
  public static PromptTemplates parse(String text) {
    String t = text == null ? "none" : text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("none")) {
      return null;
    }
    if (t.equals("auto")) {
      return auto();
    }
    if (!CARD.containsKey(t)) {
      throw new RefineryException("unknown prompt template '" + text + "'; use none, "
          + String.join(", ", BUILT_IN));
    }
    return new PromptTemplates(t, Map.of(ALL, CARD.get(t)));
  }

  /** One template for samples of {@code category} ({@link #ALL} for every sample). */
  public static PromptTemplates forCategory(String category, PromptTemplate template) {
    return new PromptTemplates(category + "=" + template.name(), Map.of(category, template));
  }

  public String name() {
    return name;
  }

  /** The template for a sample, or null when its category has none. */
  public PromptTemplate templateFor(Sample sample) {
    PromptTemplate all = byCategory.get(ALL);
    return all != null ? all : sample.category() == null ? null : byCategory.get(sample.category());
  }

  /** Applies the sample's template; see {@link PromptTemplate#apply} for the tally's keys. */
  public Sample apply(Sample sample, Consumer<String> tally) {
    PromptTemplate t = templateFor(sample);
    if (t == null) {
      tally.accept("no_template");
      return sample;
    }
    return t.apply(sample, tally);
  }

  /** The name and, by category in sorted order, the templates' names: the same on every run. */
  @Override
  public String toString() {
    return name + new java.util.TreeMap<>(byCategory);
  }
}
