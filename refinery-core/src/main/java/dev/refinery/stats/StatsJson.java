package dev.refinery.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders {@link DatasetStats} as one pretty-printed JSON object, keys in this fixed order:
 *
 * <pre>
 * total_samples, malformed_samples,
 * by_split, by_category, by_generator, by_reasoning, by_license, by_version,
 * turns {count, p50, p90, p99, max, mean}, tool_calls {...},
 * lengths {prompt {...}, answer {...}, reasoning {...}},
 * samples_with_reasoning
 * </pre>
 *
 * The entries of every {@code by_*} object are ordered by count, largest first, then by key, so the
 * output of two runs over the same data is byte for byte the same. Percentiles are nearest-rank
 * (see {@link LengthHistogram}); {@code mean} is rounded half-up to two decimals; all of them are
 * null for an empty distribution.
 */
final class StatsJson {
  private StatsJson() {}

  static String write(DatasetStats s) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("total_samples", s.totalSamples());
    root.put("malformed_samples", s.malformedSamples());
    root.put("by_split", ordered(s.bySplit()));
    root.put("by_category", ordered(s.byCategory()));
    root.put("by_generator", ordered(s.byGenerator()));
    root.put("by_reasoning", ordered(s.byReasoning()));
    root.put("by_license", ordered(s.byLicense()));
    root.put("by_version", ordered(s.byVersion()));
    root.put("turns", summary(s.turns()));
    root.put("tool_calls", summary(s.toolCalls()));
    Map<String, Object> lengths = new LinkedHashMap<>();
    lengths.put("prompt", summary(s.promptLength()));
    lengths.put("answer", summary(s.answerLength()));
    lengths.put("reasoning", summary(s.reasoningLength()));
    root.put("lengths", lengths);
    root.put("samples_with_reasoning", s.samplesWithReasoning());

    StringWriter out = new StringWriter();
    DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withSeparators(
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    try (JsonGenerator g = Json.FACTORY.createGenerator(out).setPrettyPrinter(pretty)) {
      Json.write(g, root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static Map<String, Object> ordered(Map<String, Long> counts) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : DatasetStats.byCountDescending(counts)) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static Map<String, Object> summary(LengthHistogram h) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", h.count());
    boolean empty = h.isEmpty();
    out.put("p50", empty ? null : h.percentile(50));
    out.put("p90", empty ? null : h.percentile(90));
    out.put("p99", empty ? null : h.percentile(99));
    out.put("max", empty ? null : h.max());
    out.put("mean", h.mean(2));
    return out;
  }
}
