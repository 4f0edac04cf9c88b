package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.pipeline.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --source NAME=PATH[:A,B]} options of blend and interleave as the run's named
 * sources. The names after the colon select splits when the path is a dataset folder holding
 * files of every one of them, and categories of the rows otherwise.
 */
final class MixSources {
  /** One --source as given. */
  record Given(String name, String path, List<String> selectors) {
    static Given parse(String text) {
      int eq = text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        throw new RefineryException("source '" + text + "' is not NAME=PATH[:split,...]");
      }
      String name = text.substring(0, eq).strip();
      String rest = text.substring(eq + 1).strip();
      int colon = rest.lastIndexOf(':');
      List<String> selectors = new ArrayList<>();
      // A colon followed by a path separator belongs to the path (C:\data), not to selectors.
      if (colon > 0 && colon < rest.length() - 1 && rest.indexOf('/', colon) < 0
          && rest.indexOf('\\', colon) < 0) {
        for (String s : rest.substring(colon + 1).split(",")) {
          if (!s.isBlank()) {
            selectors.add(s.strip());
          }
        }
        rest = rest.substring(0, colon);
      }
      return new Given(name, rest, List.copyOf(selectors));
    }
  }

  final List<Given> given = new ArrayList<>();
  final List<PipelineSpec.Source> sources = new ArrayList<>();
  /** Per source name, the categories it keeps (absent: every row). */
  final Map<String, Set<String>> categories = new LinkedHashMap<>();
  /** Every input path, for checking that the output is apart from them. */
  final List<Path> inputs = new ArrayList<>();

  MixSources(List<String> options) {
    Set<String> names = new LinkedHashSet<>();
    for (String text : options) {
      Given g = Given.parse(text);
      if (!names.add(g.name())) {
        throw new RefineryException("source '" + g.name() + "' is given twice");
      }
      given.add(g);
      resolve(g);
    }
  }

  private void resolve(Given g) {
    if (!Files.exists(Inputs.path(g.path())) && !g.path().contains("*")) {
      throw new RefineryException("source '" + g.name() + "': " + g.path() + " does not exist");
    }
    List<InputFile> all;
    try {
      all = Inputs.resolve(g.path());
    } catch (RefineryException e) {
      throw new RefineryException("source '" + g.name() + "': " + e.getMessage(), e);
    }
    Set<String> splits = new LinkedHashSet<>();
    all.forEach(f -> {
      if (f.split() != null) {
        splits.add(f.split());
      }
    });
    Set<String> wanted = new LinkedHashSet<>();
    g.selectors().forEach(s -> wanted.add(Inputs.canonicalSplit(s)));
    boolean bySplit = !wanted.isEmpty() && splits.containsAll(wanted);
    if (!wanted.isEmpty() && !bySplit) {
      categories.put(g.name(), new LinkedHashSet<>(g.selectors()));
    }
    sources.add(new PipelineSpec.Source(g.name(), Inputs.path(g.path()),
        bySplit ? List.copyOf(wanted) : List.of(), "auto", null, "--source"));
    inputs.addAll(Outputs.inputs(g.path(), all));
  }

  PipelineSpec.Input input() {
    return PipelineSpec.Input.of(sources, "--source");
  }

  /**
   * What a manifest says of source {@code i} besides its counts: path and selectors, and with
   * {@code how} whether they selected splits or categories.
   */
  Map<String, Object> describe(int i, boolean how) {
    Given g = given.get(i);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", g.path());
    m.put("selectors", g.selectors());
    if (how) {
      m.put("selected_by", g.selectors().isEmpty() ? "all"
          : categories.containsKey(g.name()) ? "category" : "split");
    }
    return m;
  }
}
