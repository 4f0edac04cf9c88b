package dev.refinery.filter;

import java.util.List;
import java.util.function.Function;

/**
 * A kind of filter as the pipeline knows it: its name, a one-line description, what it scores
 * (text or a whole sample), its parameters with defaults, and how to build one from checked
 * parameter values.
 */
public record FilterType(String name, String description, Input input, List<Param> params,
                         Function<Params, Filter<?>> factory) {

  /** Text heuristics score a string the runner picks from the sample; others a whole sample. */
  public enum Input { TEXT, SAMPLE }

  public FilterType {
    params = List.copyOf(params);
  }

  public Filter<?> create(Params values) {
    return factory.apply(values);
  }

  public Filter<?> createWithDefaults() {
    return factory.apply(Params.defaults(params));
  }
}
