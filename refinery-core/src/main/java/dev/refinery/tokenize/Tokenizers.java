package dev.refinery.tokenize;

import dev.refinery.RefineryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens tokenizers by name:
 *
 * <ul>
 *   <li>a Hugging Face {@code tokenizer.json}, or a folder holding one: the Rust tokenizers
 *       library through DJL (truncation and padding turned off);
 *   <li>{@code cl100k_base}, {@code o200k_base} (also {@code r50k_base}, {@code p50k_base}): the
 *       OpenAI encodings through jtokkit.
 * </ul>
 */
public final class Tokenizers {
  private Tokenizers() {}

  /** The names {@link #open(String)} takes besides paths. */
  public static final java.util.List<String> ENCODINGS =
      java.util.List.of("cl100k_base", "o200k_base", "r50k_base", "p50k_base");

  /**
   * Opens {@code spec}. Throws a one-line {@link RefineryException} naming the path when the spec
   * is unknown, the file is missing, or the file is not a tokenizer.
   */
  public static Tokenizer open(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new RefineryException(
          "no tokenizer given: expected a tokenizer.json, a folder holding one, or one of "
              + ENCODINGS);
    }
    String trimmed = spec.trim();
    if (ENCODINGS.contains(trimmed.toLowerCase(Locale.ROOT))) {
      return new TiktokenTokenizer(trimmed.toLowerCase(Locale.ROOT));
    }
    Path path = Path.of(trimmed).toAbsolutePath().normalize();
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    if (!Files.isRegularFile(file)) {
      throw new RefineryException(
          "tokenizer not found: " + file + " (expected a tokenizer.json, a folder holding one, or"
              + " one of " + String.join(", ", ENCODINGS) + ")");
    }
    HfTokenizer tokenizer = new HfTokenizer(file.toString());
    tokenizer.check(); // fail now, with the path, rather than at the first encode
    return tokenizer;
  }

  /**
   * Points DJL's native-library cache (and JNA's temp folder) at folders we own, creating them.
   * Honours {@code DJL_CACHE_DIR} / {@code jna.tmpdir} when set (system property or, for DJL, the
   * environment); otherwise uses {@code ~/.cache/refinery/djl} and {@code ~/.cache/refinery/jna}.
   * Runs before the first DJL class loads.
   */
  static synchronized void prepareNativeCache() {
    if (prepared) {
      return;
    }
    Path base = Path.of(System.getProperty("user.home"), ".cache", "refinery");
    String djl = System.getProperty("DJL_CACHE_DIR");
    if (djl == null || djl.isBlank()) {
      djl = System.getenv("DJL_CACHE_DIR");
    }
    if (djl == null || djl.isBlank()) {
      djl = base.resolve("djl").toString();
      System.setProperty("DJL_CACHE_DIR", djl);
    }
    String jna = System.getProperty("jna.tmpdir");
    if (jna == null || jna.isBlank()) {
      jna = base.resolve("jna").toString();
      System.setProperty("jna.tmpdir", jna);
    }
    try {
      Files.createDirectories(Path.of(djl));
      Files.createDirectories(Path.of(jna));
    } catch (IOException e) {
      throw new RefineryException(
          "cannot create the tokenizer native cache " + djl + " or " + jna + ": " + e, e);
    }
    prepared = true;
  }

  private static boolean prepared;
}
