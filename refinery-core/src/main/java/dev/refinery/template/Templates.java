package dev.refinery.template;

import dev.refinery.RefineryException;
import dev.refinery.template.jinja.JinjaChatTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The chat templates written by hand, by name, and models' own Jinja templates by path. */
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

  /**
   * A built-in template by name, or a model's Jinja chat template: a tokenizer_config.json (its
   * {@code chat_template} and special tokens), a folder holding one, or a {@code .jinja} file
   * (with the special tokens of a tokenizer_config.json beside it, if any).
   */
  public static ChatTemplate resolve(String spec) {
    if (isBuiltIn(spec)) {
      return builtIn(spec);
    }
    if (spec == null || spec.isBlank()) {
      throw new RefineryException("no template given; built-in templates: "
          + String.join(", ", NAMES) + ", or a tokenizer_config.json / .jinja path");
    }
    boolean pathLike = spec.contains("/") || spec.contains("\\") || spec.contains(".");
    if (!pathLike && !Files.exists(Path.of(spec))) {
      return builtIn(spec); // fails naming the built-in templates
    }
    Path path = Path.of(spec);
    if (!Files.exists(path)) {
      throw new RefineryException("template '" + spec + "': no built-in template of that name "
          + "(" + String.join(", ", NAMES) + ") and no such file");
    }
    if (Files.isDirectory(path)) {
      if (!Files.isRegularFile(path.resolve("tokenizer_config.json"))) {
        throw new RefineryException(path + ": no tokenizer_config.json in this folder");
      }
      return JinjaChatTemplate.fromTokenizerConfig(path);
    }
    String file = path.getFileName().toString();
    if (file.endsWith(".jinja") || file.endsWith(".j2")) {
      return JinjaChatTemplate.fromJinjaFile(path);
    }
    return JinjaChatTemplate.fromTokenizerConfig(path);
  }

  /**
   * The chat template that comes with a tokenizer: the tokenizer_config.json beside its
   * tokenizer.json (or in its folder) when that file has a {@code chat_template}; else null.
   */
  public static String besideTokenizer(String tokenizerSpec) {
    if (tokenizerSpec == null) {
      return null;
    }
    Path path = Path.of(tokenizerSpec);
    Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    if (folder == null) {
      return null;
    }
    Path config = folder.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(config)) {
      return null;
    }
    try {
      Object json = dev.refinery.internal.Json.parse(Files.readString(config));
      return json instanceof java.util.Map<?, ?> m && m.get("chat_template") != null
          ? config.toString() : null;
    } catch (java.io.IOException e) {
      return null; // unreadable: the caller asks for --template
    }
  }

  /**
   * The template for a tokenizer: {@code spec} when given (see {@link #resolve}), else the one
   * beside the tokenizer; fails in one line when there is neither.
   */
  public static String specFor(String spec, String tokenizerSpec) {
    if (spec != null && !spec.isBlank()) {
      return spec.strip();
    }
    String beside = besideTokenizer(tokenizerSpec);
    if (beside == null) {
      throw new RefineryException("no chat template: " + tokenizerSpec + " has no "
          + "tokenizer_config.json with a chat_template beside it; give --template ("
          + String.join(", ", NAMES) + ", or a tokenizer_config.json / .jinja path)");
    }
    return beside;
  }
}
