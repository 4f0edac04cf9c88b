package dev.refinery.format;

import dev.refinery.RefineryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The formats by name. An explicit list: no classpath scanning. */
public final class Formats {
  private static final Map<String, Format> BY_NAME = new LinkedHashMap<>();

  static {
    for (Format f : List.<Format>of(new NemotronFormat())) {
      BY_NAME.put(f.name(), f);
    }
  }

  private Formats() {}

  public static Format nemotron() {
    return BY_NAME.get("nemotron");
  }

  public static Format byName(String name) {
    Format f = BY_NAME.get(name);
    if (f == null) {
      throw new RefineryException("unknown format '" + name + "'; valid formats: "
          + String.join(", ", BY_NAME.keySet()));
    }
    return f;
  }

  /**
   * The format the first record of a file is in, told by its keys; nemotron when the file is
   * empty or nothing else fits.
   */
  public static Format detect(dev.refinery.io.InputFile file) {
    return nemotron();
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
