package dev.refinery.filter;

import java.util.List;

/**
 * One parameter of a filter or step: its name as written in the pipeline YAML, its type, its
 * default (null when required) and a one-line description, so a pipeline describes itself ({@code
 * refinery steps}) and a bad value is an error that names the valid ones.
 */
public record Param(String name, Type type, Object defaultValue, String description,
                    List<String> choices) {

  /**
   * PATH: a string naming a file, resolved against the pipeline file's folder when it exists
   * there or contains a path separator (a bare name such as {@code cl100k_base} stays as it is).
   */
  public enum Type { INT, DOUBLE, BOOLEAN, STRING, STRING_LIST, DOUBLE_MAP, PATH }

  public Param {
    choices = choices == null ? List.of() : List.copyOf(choices);
  }

  public static Param of(String name, Type type, Object defaultValue, String description) {
    return new Param(name, type, defaultValue, description, List.of());
  }

  public static Param choice(String name, String defaultValue, String description,
      String... choices) {
    return new Param(name, Type.STRING, defaultValue, description, List.of(choices));
  }

  public boolean required() {
    return defaultValue == null;
  }
}
