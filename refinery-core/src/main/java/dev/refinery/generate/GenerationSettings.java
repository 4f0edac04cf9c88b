package dev.refinery.generate;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.io.InputFile;
import dev.refinery.template.prompt.PromptOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings that decide what a {@code refinery generate} row is: the prompts' files and their
 * SHA-256, model, sampling, seed, extra fields, modes, samples per prompt and prompt preparation
 * ({@value #FILE}, canonical JSON). A resume with other settings would mix two runs in one output
 * without a trace, so it is refused, naming what differs.
 */
public final class GenerationSettings {
  /** The file beside the rows that keeps them. */
  public static final String FILE = "settings.json";

  /** Where the files were named only, for the message; the digest is what is compared. */
  private static final Set<String> NOT_COMPARED = Set.of("input_files");

  private GenerationSettings() {}

  /** The settings of a run over {@code files}, as {@value #FILE} holds them. */
  public static Map<String, Object> of(List<InputFile> files, Generator.Settings settings,
      List<ReasoningMode> modes, int samplesPerPrompt, PromptOptions prompts) {
    List<String> names = new ArrayList<>();
    List<String> digests = new ArrayList<>();
    for (InputFile f : files) {
      names.add(f.path().toString());
      try {
        digests.add(FileDigests.sha256(f.path()));
      } catch (IOException e) {
        throw new RefineryException(f.path() + ": cannot read: " + IoErrors.reason(e), e);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input_files", names);
    // Of the one file's bytes, or of the files' digests in order.
    m.put("input_sha256", digests.size() == 1 ? digests.get(0)
        : FileDigests.sha256OfText(String.join("\n", digests)));
    m.put("model", settings.model());
    m.put("temperature", settings.temperature());
    m.put("top_p", settings.topP());
    m.put("max_tokens", settings.maxTokens());
    m.put("seed", settings.seed());
    m.put("extra", settings.extra());
    List<String> modeNames = new ArrayList<>();
    modes.forEach(x -> modeNames.add(x.settingsName()));
    m.put("modes", modeNames);
    m.put("samples_per_prompt", samplesPerPrompt);
    PromptOptions p = prompts == null ? PromptOptions.NONE : prompts;
    Map<String, Object> prepared = new LinkedHashMap<>();
    prepared.put("system_prompt", p.systemPrompt());
    prepared.put("template", p.templates() == null ? null : p.templates().name());
    prepared.put("reasoning_toggle", p.toggle().name().toLowerCase(Locale.ROOT));
    m.put("prompts", prepared);
    // Through JSON text, so numbers and maps compare as they are stored.
    @SuppressWarnings("unchecked")
    Map<String, Object> stored = (Map<String, Object>) Json.parseOrNull(Json.writeCanonical(m));
    return stored;
  }

  /**
   * Refuses to go on with an earlier run whose settings ({@code before}, read from {@code where})
   * are not {@code now}'s: another input (by digest) or other settings, naming what differs.
   */
  public static void checkSame(String where, Object before, Map<String, Object> now) {
    if (!(before instanceof Map<?, ?> earlier) || earlier.get("prompts") instanceof String
        || !earlier.containsKey("input_sha256")) {
      // Written before the input's digest was kept (and prompt options were Java text).
      throw new RefineryException(where + ": written by an earlier Refinery that did not record "
          + "the input's digest, so this resume cannot be checked against the earlier run's "
          + "prompts and settings; run with the same options into a new folder, or delete "
          + FILE + " to resume anyway");
    }
    if (!Objects.equals(now.get("input_sha256"), earlier.get("input_sha256"))) {
      throw new RefineryException(where + ": --resume with another input than the earlier "
          + "run: " + describeFiles(now.get("input_files")) + " (sha256 "
          + now.get("input_sha256") + ") is not " + describeFiles(earlier.get("input_files"))
          + " (sha256 " + earlier.get("input_sha256") + "); give the earlier prompts, or use a "
          + "new folder");
    }
    List<String> differ = new ArrayList<>();
    for (String key : now.keySet()) {
      if (!NOT_COMPARED.contains(key) && !Objects.equals(now.get(key), earlier.get(key))) {
        differ.add(key + " " + Json.writeCanonical(earlier.get(key)) + " -> "
            + Json.writeCanonical(now.get(key)));
      }
    }
    if (!differ.isEmpty()) {
      throw new RefineryException(where + ": --resume with other settings than the earlier "
          + "run: " + String.join("; ", differ) + " (use the same options, or a new folder)");
    }
  }

  private static String describeFiles(Object files) {
    return files instanceof List<?> list && !list.isEmpty()
        ? String.join(", ", list.stream().map(String::valueOf).toList()) : "the earlier input";
  }
}
