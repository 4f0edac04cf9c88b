package dev.refinery.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a {@code refinery generate} run stands, or how it ended: what this process did, beside
 * the rows an earlier run of the same output had made.
 *
 * @param prompts prompts read
 * @param resumed rows of an earlier run kept (not requested again)
 * @param rows rows this process generated
 * @param failures (prompt, mode, index) without a row
 */
public record GenerationStats(long prompts, long resumed, long rows, long failures,
                              long promptTokens, long completionTokens, long requests,
                              long retries, double seconds) {
  public double requestsPerSecond() {
    return seconds > 0 ? requests / seconds : 0;
  }

  public double completionTokensPerSecond() {
    return seconds > 0 ? completionTokens / seconds : 0;
  }

  /** One line: counts, usage, retries and rates. */
  public String line() {
    return String.format(Locale.ROOT, "%,d prompts, %,d rows written%s, %,d failed; "
            + "%,d requests (%,d retries), %.1f req/s; tokens %,d prompt + %,d completion, "
            + "%.0f tok/s", prompts, rows,
        resumed > 0 ? String.format(Locale.ROOT, " (+%,d resumed)", resumed) : "", failures,
        requests, retries, requestsPerSecond(), promptTokens, completionTokens,
        completionTokensPerSecond());
  }

  /** {@link #summary} as the text of {@code run.json}: JSON in the map's order, a last newline. */
  public String summaryJson(String model, List<ReasoningMode> modes, int samplesPerPrompt) {
    return dev.refinery.internal.Json.write(summary(model, modes, samplesPerPrompt)) + "\n";
  }

  /** The summary {@code run.json} holds: the run's settings in brief, then these totals. */
  public Map<String, Object> summary(String model, List<ReasoningMode> modes,
      int samplesPerPrompt) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", model);
    List<String> names = new ArrayList<>();
    modes.forEach(m -> names.add(m.settingsName()));
    out.put("modes", names);
    out.put("samples_per_prompt", samplesPerPrompt);
    out.put("prompts", prompts);
    out.put("resumed_rows", resumed);
    out.put("rows_written", rows);
    out.put("failures", failures);
    out.put("requests", requests);
    out.put("retries", retries);
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    out.put("usage", usage);
    out.put("seconds", Math.round(seconds * 1000) / 1000.0);
    out.put("requests_per_second", Math.round(requestsPerSecond() * 10) / 10.0);
    return out;
  }
}
