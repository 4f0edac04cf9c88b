package dev.refinery.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.refinery.RefineryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a dataset repository's card ({@code README.md}) says of its files: the {@code configs}
 * of its YAML front matter, as {@code load_dataset} reads them. The {@code default} config (or
 * the first) maps split names to path patterns relative to the repository's root; a file matched
 * by a split's pattern belongs to that split, whatever its name says.
 */
public final class DatasetCard {
  private DatasetCard() {}

  /**
   * The split of every data file the card of {@code root} names, in split order then path order;
   * null when the repository has no card or the card names no files.
   */
  public static Map<Path, String> splits(Path root) {
    Path readme = root.resolve("README.md");
    if (!Files.isRegularFile(readme)) {
      return null;
    }
    Map<String, List<String>> patterns;
    try {
      patterns = patterns(new String(Files.readAllBytes(readme), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RefineryException(readme + ": cannot read: " + e.getMessage(), e);
    }
    if (patterns == null) {
      return null;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new RefineryException(root + ": cannot list: " + e.getMessage(), e);
    }
    Map<Path, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> split : patterns.entrySet()) {
      for (String pattern : split.getValue()) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        for (Path f : files) {
          if (m.matches(Path.of(root.relativize(f).toString()))) {
            result.putIfAbsent(f, split.getKey());
          }
        }
      }
    }
    return result.isEmpty() ? null : result;
  }

  /**
   * Split name to path patterns, from a card's text; null without front matter or configs.
   * {@code data_files} may be a pattern, a list of them, or a list of {split, path} entries
   * whose path is a pattern or a list (a bare pattern is the {@code train} split).
   */
  static Map<String, List<String>> patterns(String card) {
    String text = card.startsWith("\uFEFF") ? card.substring(1) : card;
    if (!text.startsWith("---")) {
      return null;
    }
    int end = text.indexOf("\n---", 3);
    if (end < 0) {
      return null;
    }
    Object front;
    try {
      front = new ObjectMapper(new YAMLFactory()).readValue(text.substring(3, end), Object.class);
    } catch (IOException e) {
      throw new RefineryException("README.md: its YAML front matter does not parse: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (!(front instanceof Map<?, ?> top) || !(top.get("configs") instanceof List<?> configs)
        || configs.isEmpty()) {
      return null;
    }
    Object chosen = configs.get(0);
    for (Object c : configs) {
      if (c instanceof Map<?, ?> m && "default".equals(m.get("config_name"))) {
        chosen = c;
      }
    }
    if (!(chosen instanceof Map<?, ?> config) || config.get("data_files") == null) {
      return null;
    }
    Map<String, List<String>> result = new LinkedHashMap<>();
    Object files = config.get("data_files");
    if (files instanceof String s) {
      result.put("train", List.of(s));
    } else if (files instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          result.computeIfAbsent("train", k -> new ArrayList<>()).add(s);
        } else if (o instanceof Map<?, ?> entry && entry.get("split") instanceof String split) {
          List<String> into = result.computeIfAbsent(split, k -> new ArrayList<>());
          Object path = entry.get("path");
          if (path instanceof String p) {
            into.add(p);
          } else if (path instanceof List<?> ps) {
            ps.forEach(p -> into.add(String.valueOf(p)));
          }
        }
      }
    } else if (files instanceof Map<?, ?> bySplit) {
      bySplit.forEach((split, path) -> {
        List<String> into = result.computeIfAbsent(String.valueOf(split), k -> new ArrayList<>());
        if (path instanceof List<?> ps) {
          ps.forEach(p -> into.add(String.valueOf(p)));
        } else {
          into.add(String.valueOf(path));
        }
      });
    }
    return result.isEmpty() ? null : result;
  }
}
