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
    if (sink == null) {
      // A last split step routes the rows: the run writes its shards per split; a last tokenize
      // step's rows are written to tokenized/ too.
      Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
      sink = last instanceof SplitStep split
          ? new SplitShards(spec.output(), split.split().names())
          : new RunShards(spec.output(), last instanceof TokenizeStep tokenize
              ? TokenizedSink.inRunFolder(tokenize, spec.output().path()) : null);
    }
  }

  /**
   * A pipeline whose output is its run folder's {@code data/} shards (per split when the last
   * step is {@code split}; and {@code tokenized/} when the last step is {@code tokenize}).
   */
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
    for (int i = 0; i < steps.size() - 1; i++) {
      if (steps.get(i) instanceof SplitStep) {
        throw new dev.refinery.RefineryException(spec.steps().get(i).where()
            + ": split must be the last step (the run writes its shards per split, and its "
            + "rows per split are the split step's counts)");
      }
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
