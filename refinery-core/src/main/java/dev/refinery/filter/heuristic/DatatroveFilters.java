package dev.refinery.filter.heuristic;

import dev.refinery.filter.FilterType;
import java.util.List;

/** Placeholder until the filters land. */
public final class DatatroveFilters {
  private DatatroveFilters() {}

  public static List<FilterType> types() {
    return List.of();
  }
}
