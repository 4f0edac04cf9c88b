package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a run reads, in input order, each with its record layout: one path's files, or every
 * named source's, one source after the other (so a file's index tells its source).
 */
public record InputFiles(List<InputFile> files, List<Format> formats) {

  public static InputFiles resolve(PipelineSpec.Input input, String spec) {
    if (input.sources().isEmpty()) {
      List<InputFile> files = Inputs.resolve(input.path().toString(), input.splits());
      Format format = format(input.format(), input.columns(), files, spec);
      return new InputFiles(files, java.util.Collections.nCopies(files.size(), format));
    }
    List<InputFile> files = new ArrayList<>();
    List<Format> formats = new ArrayList<>();
    for (PipelineSpec.Source s : input.sources()) {
      List<InputFile> own = SourceTable.files(s);
      Format format;
      try {
        format = format(s.format(), s.columns(), own, spec);
      } catch (RefineryException e) {
        throw new RefineryException(s.where() + ": source '" + s.name() + "': "
            + e.getMessage(), e);
      }
      files.addAll(own);
      own.forEach(f -> formats.add(format));
    }
    return new InputFiles(List.copyOf(files), List.copyOf(formats));
  }

  private static Format format(String name, String columns, List<InputFile> files, String spec) {
    if ("auto".equals(name) && columns != null) {
      throw new RefineryException(spec + ": input.columns needs input.format: which "
          + "format's columns are named?");
    }
    return "auto".equals(name) ? Formats.detect(files.get(0))
        : Formats.withColumns(Formats.byName(name), columns);
  }

  /** The record layout of input file {@code index}. */
  public Format format(int index) {
    return formats.get(index);
  }
}
