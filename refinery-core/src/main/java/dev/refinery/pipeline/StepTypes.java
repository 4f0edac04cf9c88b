package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterTypes;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every step a pipeline can name, with its parameters: the pipeline describes itself ({@code
 * refinery steps}), and an unknown step or parameter is an error that names the valid ones. An
 * explicit list, no classpath scanning.
 */
public final class StepTypes {
  /** Parameters every filter step takes besides its filter's own. */
  static final List<Param> FILTER_COMMON = List.of(
      Param.of("name", Param.Type.STRING, null, "which filter (see the filters below)"),
      Param.choice("target", "answer", "text a text filter looks at: " + Target.CHOICES,
          "prompt", "answer", "reasoning", "conversation", "url"),
      Param.of("score_only", Param.Type.BOOLEAN, false,
          "keep every row and write the scores into metadata.refinery_scores"));

  private static final Map<String, StepType> BY_NAME = new LinkedHashMap<>();

  static {
    List<Param> shown = new ArrayList<>(List.of(Param.of("name", Param.Type.STRING, "",
        "which filter (see the filters below); or 'where'"), ExpressionSteps.WHERE));
    shown.addAll(FILTER_COMMON.subList(1, FILTER_COMMON.size()));
    register(new StepType("filter",
        "keep or drop rows by a quality filter (scores and decision kept apart), or by a Jinja "
            + "expression",
        shown, (p, base, where) -> {
          throw new IllegalStateException("filters are built by compileFilter");
        }));
    register(ExpressionSteps.mapType());
    register(DedupSteps.exactType());
    register(DedupSteps.fuzzyType());
    register(DecontaminateStep.type());
    register(PromptSteps.templateType());
    register(PromptSteps.toggleType());
    register(JudgeStep.type());
    register(GenerateStep.type());
    register(BlendStep.type());
    register(ConsistencyStep.type());
    register(TokenizeStep.type());
    register(SplitStep.type());
  }

  private StepTypes() {}

  static void register(StepType type) {
    BY_NAME.put(type.name(), type);
  }

  public static List<StepType> all() {
    return List.copyOf(BY_NAME.values());
  }

  /** Builds the step a spec names, checking its kind and every parameter. */
  public static Step compile(PipelineSpec.StepSpec spec, Path base) {
    StepType type = BY_NAME.get(spec.kind());
    if (type == null) {
      throw new RefineryException(spec.where() + ": unknown step '" + spec.kind()
          + "'; valid steps: " + String.join(", ", BY_NAME.keySet()));
    }
    if (type.name().equals("filter")) {
      return spec.params().containsKey("where") ? ExpressionSteps.compileWhere(spec)
          : compileFilter(spec, base);
    }
    if (type.name().equals("map")) {
      return ExpressionSteps.compileMap(spec);
    }
    Params params = Params.resolve(type.params(), spec.params(), spec.where(), spec::where);
    try {
      return type.factory().create(params, base, spec.where());
    } catch (RefineryException | IllegalArgumentException e) {
      throw atStep(spec, e);
    }
  }

  /**
   * A step's own error (a missing file, parameters that do not fit together) with the YAML line
   * too, when it does not name it. An IllegalArgumentException from a factory is about the values
   * the user gave, never an internal error.
   */
  private static RefineryException atStep(PipelineSpec.StepSpec spec, RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof RefineryException r && message.startsWith(spec.where())) {
      return r;
    }
    return new RefineryException(spec.where() + ": " + message, e);
  }

  private static MapStep compileFilter(PipelineSpec.StepSpec spec, Path base) {
    Object name = spec.params().get("name");
    if (!(name instanceof String filterName)) {
      throw new RefineryException(spec.where() + ": a filter step needs 'name' (or 'where' and"
          + " an expression); valid filters: "
          + String.join(", ", FilterTypes.all().stream().map(FilterType::name).toList()));
    }
    FilterType type = FilterTypes.byName(filterName, spec.where());
    // A filter that declares a common parameter itself (token_length's target) gets it.
    List<String> ownNames = type.params().stream().map(Param::name).toList();
    List<Param> declared = new ArrayList<>(FILTER_COMMON.stream()
        .filter(p -> !ownNames.contains(p.name())).toList());
    declared.addAll(type.params());
    Params params = Params.resolve(declared, spec.params(), spec.where(), spec::where);
    Map<String, Object> own = new LinkedHashMap<>(params.asMap());
    FILTER_COMMON.stream().filter(p -> !ownNames.contains(p.name()))
        .forEach(p -> own.remove(p.name()));
    for (Param p : type.params()) {
      if (p.type() == Param.Type.PATH && own.get(p.name()) instanceof String value
          && !value.isBlank()) {
        own.put(p.name(), resolvePath(value, base, spec.where(p.name())));
      }
    }
    boolean text = type.input() == FilterType.Input.TEXT;
    Object filter;
    try {
      filter = type.create(Params.resolve(type.params(), own, spec.where(), spec::where));
    } catch (RefineryException | IllegalArgumentException e) {
      throw atStep(spec, e);
    }
    return new FilterStep((dev.refinery.filter.Filter<?>) filter, text,
        Target.of(params.getString("target")), params.getBoolean("score_only"));
  }

  /** A PATH parameter: relative to the pipeline file (see {@link Param.Type#PATH}). */
  private static String resolvePath(String value, Path base, String where) {
    Path resolved = base.resolve(value).normalize();
    if (java.nio.file.Files.exists(resolved)) {
      return resolved.toString();
    }
    if (!value.contains("/") && !value.contains("\\")) {
      return value;
    }
    throw new RefineryException(where + ": no such file or folder: " + resolved);
  }
}
