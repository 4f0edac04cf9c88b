package dev.refinery.template.prompt;

import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * How to prepare a sample's prompt before it is rendered: a system prompt for samples without one,
 * prompt templates by category, and the reasoning toggle, applied in that order (so an explicit
 * system prompt wins over the chat template's, and the toggle goes after whichever system prompt
 * the sample ends with). One value shared by {@code refinery format}, {@code refinery tokenize}
 * and the pipeline steps, so every entry point prepares prompts the same way.
 *
 * @param systemPrompt null for none; set only where the sample has no (or an empty) system prompt
 * @param templates null for none
 * @param toggle never null; {@link ReasoningToggle#NONE} for none
 */
public record PromptOptions(String systemPrompt, PromptTemplates templates, ReasoningToggle toggle)
    implements Serializable {

  public static final PromptOptions NONE = new PromptOptions(null, null, ReasoningToggle.NONE);

  public PromptOptions {
    systemPrompt = systemPrompt == null || systemPrompt.isEmpty() ? null : systemPrompt;
    toggle = toggle == null ? ReasoningToggle.NONE : toggle;
  }

  /** From command-line words: {@code --prompt-template}, {@code --system-prompt}, toggle. */
  public static PromptOptions parse(String promptTemplate, String systemPrompt, String toggle) {
    return new PromptOptions(systemPrompt, PromptTemplates.parse(promptTemplate),
        ReasoningToggle.parse(toggle));
  }

  public boolean isNone() {
    return systemPrompt == null && templates == null && toggle == ReasoningToggle.NONE;
  }

  /** The prepared sample; {@code tally} hears what was done, one key per action. */
  public Sample apply(Sample sample, Consumer<String> tally) {
    Sample s = sample;
    if (systemPrompt != null) {
      s = PromptTemplate.of("system", null, systemPrompt).apply(s, tally);
    }
    if (templates != null) {
      s = templates.apply(s, tally);
    }
    return toggle.apply(s, tally);
  }

  /**
   * What {@link #apply} did, from counts by action (a {@link Tally}'s, or a pipeline step's):
   * "key n, key n" in key order, or "nothing changed".
   */
  public static String summary(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "nothing changed";
    }
    StringBuilder b = new StringBuilder();
    new TreeMap<>(counts).forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k)
        .append(' ').append(v));
    return b.toString();
  }

  /** Counts of what {@link #apply} did, by key, for a command's summary line. */
  public static final class Tally implements Consumer<String> {
    private final Map<String, Long> counts = new TreeMap<>();

    @Override
    public void accept(String key) {
      counts.merge(key, 1L, Long::sum);
    }

    public Map<String, Long> counts() {
      return Map.copyOf(counts);
    }

    /** "key n, key n" in key order, or "nothing changed". */
    public String summary() {
      return PromptOptions.summary(counts);
    }
  }
}
