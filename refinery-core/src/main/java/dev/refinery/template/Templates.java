package dev.refinery.template;

import dev.refinery.RefineryException;
import java.util.List;
import java.util.Locale;

/** The chat templates written by hand, by name. */
public final class Templates {
  private Templates() {}

  /** The names {@link #builtIn(String)} knows. */
  public static final List<String> NAMES = List.of(Llama3Template.NAME, ChatMlTemplate.NAME,
      Qwen3Template.NAME, MistralTemplate.NAME, AlpacaTemplate.NAME);

  public static boolean isBuiltIn(String name) {
    return name != null && NAMES.contains(name.toLowerCase(Locale.ROOT));
  }

  public static ChatTemplate builtIn(String name) {
    String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return switch (n) {
      case Llama3Template.NAME -> new Llama3Template();
      case ChatMlTemplate.NAME -> new ChatMlTemplate();
      case Qwen3Template.NAME -> new Qwen3Template();
      case MistralTemplate.NAME -> new MistralTemplate();
      case AlpacaTemplate.NAME -> new AlpacaTemplate();
      default -> throw new RefineryException("unknown template '" + name + "'; built-in templates: "
          + String.join(", ", NAMES));
    };
  }
}
