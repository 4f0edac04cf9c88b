package dev.refinery.cli;

import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterTypes;
import dev.refinery.filter.Param;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.StepType;
import dev.refinery.pipeline.StepTypes;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Lists every pipeline step and filter with its parameters: the pipeline describes itself. */
@Command(name = "steps",
    description = "List every pipeline step and filter with its parameters, defaults and a "
        + "one-line description.")
final class StepsCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("Steps (in a pipeline: '- KIND: {param: value, ...}'):");
    for (StepType t : StepTypes.all()) {
      out.println();
      out.println("  " + t.name() + ": " + t.description());
      params(out, t.params());
    }
    out.println();
    out.println("Filters (in a pipeline: '- filter: {name: NAME, param: value, ...}'):");
    for (FilterType t : FilterTypes.all()) {
      out.println();
      out.println("  " + t.name() + " [" + (t.input() == FilterType.Input.TEXT
          ? "text: takes target" : "sample") + "]: " + t.description());
      params(out, t.params());
    }
    out.println();
    out.println("Output (in a pipeline: 'output: {path: out/, key: value, ...}'):");
    params(out, PipelineSpec.OUTPUT_KEYS);
    out.flush();
    return 0;
  }

  private static void params(PrintWriter out, List<Param> params) {
    for (Param p : params) {
      String type = p.type().name().toLowerCase(java.util.Locale.ROOT);
      String def = p.required() ? "required" : "default " + p.defaultValue();
      String choices = !p.choices().isEmpty() ? " (" + String.join(" | ", p.choices()) + ")"
          : p.range() != null && p.range().bounded() ? " (" + p.range() + ")" : "";
      out.println(String.format("      %-22s %-12s %-20s %s%s", p.name(), type, def,
          p.description(), choices));
    }
  }
}
