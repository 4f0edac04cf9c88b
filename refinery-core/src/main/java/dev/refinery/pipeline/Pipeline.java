package dev.refinery.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline ready to run: the spec, and its steps built and checked, each a {@link Step} or a
 * {@link GlobalStep}. Compiling checks every step kind and parameter, so a bad spec fails before
 * any work starts.
 */
public record Pipeline(PipelineSpec spec, List<Object> steps) {

  public Pipeline {
    steps = List.copyOf(steps);
  }

  public static Pipeline compile(PipelineSpec spec) {
    try {
      dev.refinery.io.Inputs.resolve(spec.input().path().toString(), spec.input().splits());
    } catch (dev.refinery.RefineryException e) {
      throw new dev.refinery.RefineryException(spec.input().where() + ": " + e.getMessage(), e);
    }
    List<Object> steps = new ArrayList<>();
    for (PipelineSpec.StepSpec s : spec.steps()) {
      steps.add(StepTypes.compile(s, spec.baseDir()));
    }
    for (int i = 0; i < steps.size() - 1; i++) {
      if (steps.get(i) instanceof TokenizeStep) {
        throw new dev.refinery.RefineryException(spec.steps().get(i).where()
            + ": tokenize must be the last step (it writes the tokenized output)");
      }
    }
    long blends = steps.stream().filter(s -> s instanceof BlendStep).count();
    if (blends > 1) {
      throw new dev.refinery.RefineryException(spec.steps().get(lastBlend(steps)).where()
          + ": a pipeline blends once (the run folder has one blend_manifest.json)");
    }
    return new Pipeline(spec, steps);
  }

  private static int lastBlend(List<Object> steps) {
    int last = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) instanceof BlendStep) {
        last = i;
      }
    }
    return last;
  }

  /** The final tokenize step, or null when the pipeline has none. */
  TokenizeStep tokenizeStep() {
    return !steps.isEmpty() && steps.get(steps.size() - 1) instanceof TokenizeStep t ? t : null;
  }

  /** The steps split at each global step: runs of partition steps with a global step between. */
  public List<List<Object>> segments() {
    List<List<Object>> segments = new ArrayList<>();
    List<Object> current = new ArrayList<>();
    for (Object step : steps) {
      if (step instanceof GlobalStep) {
        segments.add(current);
        current = new ArrayList<>();
      }
      current.add(step);
    }
    segments.add(current);
    return segments;
  }
}
