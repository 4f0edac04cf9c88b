package dev.refinery.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline ready to run: the spec, and its steps built and checked. Compiling checks every step
 * kind and parameter, so a bad spec fails before any work starts.
 */
public record Pipeline(PipelineSpec spec, List<Step> steps, Sink sink) {

  public Pipeline {
    steps = List.copyOf(steps);
    sink = sink == null ? new RunShards(spec.output()) : sink;
  }

  /** A pipeline whose output is its run folder's {@code data/} shards. */
  public Pipeline(PipelineSpec spec, List<Step> steps) {
    this(spec, steps, null);
  }

  /**
   * A command's pipeline ({@code convert}, {@code shuffle}, ...): steps built in Java rather than
   * from YAML, and the command's own output. {@code source} names it in the manifest and logs
   * (e.g. {@code "refinery convert"}).
   */
  public static Pipeline canned(PipelineSpec.Input input, List<Step> steps, Sink sink, long seed,
      String source) {
    PipelineSpec spec = new PipelineSpec(input, List.of(),
        new PipelineSpec.Output(sink.runFolder(), "parquet", 1), seed, false, source,
        sink.runFolder());
    return new Pipeline(spec, steps, sink);
  }

  public static Pipeline compile(PipelineSpec spec) {
    if (spec.input().sources().isEmpty()) {
      try {
        dev.refinery.io.Inputs.resolve(spec.input().path().toString(), spec.input().splits());
      } catch (dev.refinery.RefineryException e) {
        throw new dev.refinery.RefineryException(spec.input().where() + ": " + e.getMessage(),
            e);
      }
    }
    // A source's files that cannot be resolved fail here, naming the source's YAML line.
    SourceTable sources = SourceTable.of(spec.input());
    List<Step> steps = new ArrayList<>();
    for (PipelineSpec.StepSpec s : spec.steps()) {
      Step step = StepTypes.compile(s, spec.baseDir());
      steps.add(step instanceof BlendStep b ? b.withSources(sources) : step);
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

  private static int lastBlend(List<Step> steps) {
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

  /**
   * The steps split into stages: each stage but the first opens with a step that is not a
   * {@link MapStep} (it needs the whole input), followed by the map steps up to the next one.
   */
  public List<List<Step>> segments() {
    List<List<Step>> segments = new ArrayList<>();
    List<Step> current = new ArrayList<>();
    for (Step step : steps) {
      if (!(step instanceof MapStep)) {
        segments.add(current);
        current = new ArrayList<>();
      }
      current.add(step);
    }
    segments.add(current);
    return segments;
  }
}
