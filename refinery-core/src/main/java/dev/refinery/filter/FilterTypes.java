package dev.refinery.filter;

import dev.refinery.RefineryException;
import dev.refinery.filter.heuristic.CuratorFilters;
import dev.refinery.filter.heuristic.DatatroveFilters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every filter a pipeline can name. An explicit list: no classpath scanning, no registry state. */
public final class FilterTypes {
  private static final Map<String, FilterType> BY_NAME = new LinkedHashMap<>();

  static {
    List<FilterType> all = new ArrayList<>();
    all.add(dev.refinery.validate.StructureFilter.TYPE);
    all.addAll(dev.refinery.validate.PostTrainingFilters.types());
    all.addAll(LengthFilters.types());
    all.add(dev.refinery.tokenize.TokenLengthFilter.TYPE);
    all.add(dev.refinery.verify.MathCorrectFilter.TYPE);
    all.addAll(DatatroveFilters.types());
    all.addAll(CuratorFilters.types());
    for (FilterType t : all) {
      if (BY_NAME.put(t.name(), t) != null) {
        throw new IllegalStateException("two filters named " + t.name());
      }
    }
  }

  private FilterTypes() {}

  public static List<FilterType> all() {
    return List.copyOf(BY_NAME.values());
  }

  /** The filter of that name; the error lists the valid names. */
  public static FilterType byName(String name, String where) {
    FilterType t = BY_NAME.get(name);
    if (t == null) {
      throw new RefineryException(where + ": unknown filter '" + name + "'; valid filters: "
          + String.join(", ", BY_NAME.keySet()));
    }
    return t;
  }
}
