package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.RowId;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which named source each input file belongs to: the sources' files are numbered one source
 * after the other, so a row's source is a function of its id's file, wherever the row goes and
 * whatever a step derives from it. Empty for an input without sources.
 *
 * @param names the sources in input order
 * @param firstFiles the index of each source's first file in the run's input
 */
record SourceTable(List<String> names, List<Integer> firstFiles) implements Serializable {
  SourceTable {
    names = List.copyOf(names);
    firstFiles = List.copyOf(firstFiles);
  }

  /** The table of an input, its files resolved as the runner resolves them. */
  static SourceTable of(PipelineSpec.Input input) {
    List<String> names = new ArrayList<>();
    List<Integer> first = new ArrayList<>();
    int files = 0;
    for (PipelineSpec.Source s : input.sources()) {
      names.add(s.name());
      first.add(files);
      files += files(s).size();
    }
    return new SourceTable(names, first);
  }

  /** A source's files, or a one-line error naming it. */
  static List<InputFile> files(PipelineSpec.Source s) {
    try {
      return Inputs.resolve(s.path().toString(), s.splits());
    } catch (RefineryException e) {
      throw new RefineryException(s.where() + ": source '" + s.name() + "': " + e.getMessage(),
          e);
    }
  }

  boolean isEmpty() {
    return names.isEmpty();
  }

  /** The index of the source of the row with this id. */
  int indexOf(RowId id) {
    int file = id.file();
    int lo = 0;
    int hi = firstFiles.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (firstFiles.get(mid) <= file) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The name of the source of the row with this id. */
  String nameOf(RowId id) {
    return names.get(indexOf(id));
  }
}
