package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Keeps, of each source that names categories, only its rows of those categories ({@code
 * --source math=data/:math} on a folder without a math split); the others are dropped as {@value
 * #REASON}. A source without categories keeps every row.
 *
 * @param categories per source (in the table's order) the categories it keeps; empty: all
 */
record SourceCategories(SourceTable sources, List<Set<String>> categories) implements MapStep {
  static final String REASON = "other_category";

  SourceCategories {
    categories = List.copyOf(categories);
  }

  @Override
  public String name() {
    return "source_categories";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  private boolean keeps(Sample s) {
    Set<String> wanted = categories.get(sources.indexOf(s.id()));
    return wanted.isEmpty() || wanted.contains(s.category());
  }

  @Override
  public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
    return new Admitting(samples, s -> {
      if (keeps(s)) {
        return s;
      }
      context.drop(s, REASON);
      return null;
    });
  }
}
