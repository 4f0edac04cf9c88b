package dev.refinery.pipeline;

import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import java.nio.file.Path;
import java.util.List;

/**
 * A kind of step as pipelines name it ({@code filter}, {@code exact_dedup}, ...): a one-line
 * description, its parameters with defaults, and how to build the step (a {@link Step}) from
 * checked values.
 */
public record StepType(String name, String description, List<Param> params, Factory factory) {

  public StepType {
    params = List.copyOf(params);
  }

  /** Builds a step; {@code base} resolves relative paths in parameters. */
  @FunctionalInterface
  public interface Factory {
    Step create(Params params, Path base, String where);
  }
}
