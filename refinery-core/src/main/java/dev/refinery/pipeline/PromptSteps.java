package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.sample.Sample;
import dev.refinery.template.prompt.PromptOptions;
import dev.refinery.template.prompt.PromptTemplate;
import dev.refinery.template.prompt.PromptTemplates;
import dev.refinery.template.prompt.ReasoningToggle;
import java.util.Iterator;
import java.util.List;

/**
 * The steps that prepare prompts: {@code prompt_template} (the card's templates by category, or
 * one written in the pipeline) and {@code reasoning_toggle} (the system-prompt switch from each
 * row's reasoning value). They change samples, never drop them, and count what they did in the
 * step's stats ({@code counted}). Every template is checked when the pipeline is compiled, so a
 * misspelt placeholder stops the run before any work with the YAML line of the step.
 *
 * <pre>
 * steps:
 *   - prompt_template: {use: auto}
 *   - prompt_template: {category: math, template: "Solve step by step.\n\n{problem}"}
 *   - prompt_template: {category: all, system: "You are a careful assistant."}
 *   - reasoning_toggle: {style: think}
 * </pre>
 */
final class PromptSteps {
  private PromptSteps() {}

  static StepType templateType() {
    return new StepType("prompt_template",
        "put an instruction around the first user turn and/or a system prompt, by category "
            + "(idempotent; assistant turns untouched)",
        List.of(
            Param.of("use", Param.Type.STRING, "", "a built-in: auto (by category), math, "
                + "code, stem, chat; instead of category/template"),
            Param.of("category", Param.Type.STRING, "",
                "samples of this category get the template ('all' for every sample)"),
            Param.of("template", Param.Type.STRING, "",
                "the user turn's new text, with {prompt} (or {problem}) where the turn goes"),
            Param.of("instruction", Param.Type.STRING, "",
                "text put before the user turn and a blank line (instead of template)"),
            Param.of("system", Param.Type.STRING, "",
                "system prompt for samples that have none")),
        PromptSteps::createTemplate);
  }

  static StepType toggleType() {
    return new StepType("reasoning_toggle",
        "write each row's reasoning on/off into the system prompt as a toggle (never duplicated; "
            + "rows without a reasoning value unchanged)",
        List.of(Param.choice("style", null, "detailed_thinking ('detailed thinking on/off') or "
            + "think ('/think', '/no_think')", "detailed_thinking", "think")),
        (p, base, where) -> new PromptStep("reasoning_toggle:" + p.getString("style"),
            new PromptOptions(null, null, ReasoningToggle.parse(p.getString("style")))));
  }

  private static MapStep createTemplate(Params p, java.nio.file.Path base, String where) {
    String use = p.getString("use");
    String category = p.getString("category");
    String template = p.getString("template");
    String instruction = p.getString("instruction");
    String system = p.getString("system");
    if (!use.isEmpty() && !PromptTemplates.BUILT_IN.contains(use)) {
      throw new RefineryException(where + ".use: '" + use + "' is not one of "
          + String.join(", ", PromptTemplates.BUILT_IN));
    }
    if (!use.isEmpty()) {
      if (!category.isEmpty() || !template.isEmpty() || !instruction.isEmpty()
          || !system.isEmpty()) {
        throw new RefineryException(where + ".use: a built-in takes no category, template, "
            + "instruction or system; write those in a step of their own");
      }
      return new PromptStep("prompt_template:" + use,
          new PromptOptions(null, PromptTemplates.parse(use), ReasoningToggle.NONE));
    }
    if (category.isEmpty()) {
      throw new RefineryException(where + ": give 'use' (a built-in: "
          + String.join(", ", PromptTemplates.BUILT_IN) + ") or 'category' with a template, "
          + "instruction or system prompt");
    }
    if (template.isEmpty() && instruction.isEmpty() && system.isEmpty()) {
      throw new RefineryException(where + ": category '" + category + "' needs 'template', "
          + "'instruction' or 'system'");
    }
    if (!template.isEmpty() && !instruction.isEmpty()) {
      throw new RefineryException(where + ".instruction: give 'template' or 'instruction', not "
          + "both");
    }
    PromptTemplate t;
    if (!instruction.isEmpty()) {
      t = PromptTemplate.instruction(category, instruction, system);
    } else {
      try {
        t = PromptTemplate.of(category, template.isEmpty() ? null : template, system);
      } catch (RefineryException e) {
        throw new RefineryException(where + ".template: " + e.getMessage(), e);
      }
    }
    return new PromptStep("prompt_template:" + category,
        new PromptOptions(null, PromptTemplates.forCategory(category, t), ReasoningToggle.NONE));
  }

  /** Applies prompt options to every sample; counts each action in the step's stats. */
  static final class PromptStep implements MapStep {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final PromptOptions options;

    PromptStep(String name, PromptOptions options) {
      this.name = name;
      this.options = options;
    }

    @Override
    public String name() {
      return name;
    }

    /** Templates and toggles are never applied twice (see the step types' descriptions). */
    @Override
    public boolean idempotent() {
      return true;
    }

    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      return new Admitting(samples, s -> options.apply(s, context::count));
    }
  }
}
