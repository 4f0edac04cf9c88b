package dev.refinery.cli;

import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.LengthHistogram;
import java.util.Locale;
import java.util.Map;

/** The human-readable form of {@link DatasetStats}: a summary and aligned tables. */
final class StatsReport {
  private StatsReport() {}

  /**
   * @param malformedNote what to say after the malformed count (where the records went), or
   *     null
   */
  static String render(DatasetStats s, String malformedNote) {
    long decoded = s.decodedSamples();
    StringBuilder out = new StringBuilder();
    out.append(new TextTable("samples", "", "")
        .row("read", count(s.totalSamples()), "")
        .row("decoded", count(decoded), percent(decoded, s.totalSamples()))
        .row("malformed", count(s.malformedSamples()),
            percent(s.malformedSamples(), s.totalSamples()))
        .row("with reasoning", count(s.samplesWithReasoning()),
            percent(s.samplesWithReasoning(), decoded))
        .render());
    if (s.malformedSamples() > 0 && malformedNote != null) {
      out.append("  (malformed records ").append(malformedNote).append(")\n");
    }
    table(out, "split", s.bySplit(), decoded);
    table(out, "category", s.byCategory(), decoded);
    table(out, "generator", s.byGenerator(), decoded);
    table(out, "reasoning", s.byReasoning(), decoded);
    table(out, "license", s.byLicense(), decoded);
    table(out, "version", s.byVersion(), decoded);

    TextTable perSample = new TextTable("per sample", "count", "p50", "p90", "p99", "max", "mean");
    summaryRow(perSample, "turns", s.turns());
    summaryRow(perSample, "tool calls", s.toolCalls());
    out.append('\n').append(perSample.render());

    TextTable lengths = new TextTable("length (code points)", "count", "p50", "p90", "p99", "max",
        "mean");
    summaryRow(lengths, "prompt", s.promptLength());
    summaryRow(lengths, "answer", s.answerLength());
    summaryRow(lengths, "reasoning", s.reasoningLength());
    out.append('\n').append(lengths.render());
    return out.toString();
  }

  private static void table(StringBuilder out, String what, Map<String, Long> counts,
                            long decoded) {
    if (counts.isEmpty()) {
      return;
    }
    TextTable t = new TextTable("by " + what, "samples", "share");
    for (Map.Entry<String, Long> e : DatasetStats.byCountDescending(counts)) {
      t.row(e.getKey(), count(e.getValue()), percent(e.getValue(), decoded));
    }
    out.append('\n').append(t.render());
  }

  private static void summaryRow(TextTable t, String name, LengthHistogram h) {
    if (h.isEmpty()) {
      t.row(name, "0", "-", "-", "-", "-", "-");
    } else {
      t.row(name, count(h.count()), count(h.percentile(50)), count(h.percentile(90)),
          count(h.percentile(99)), count(h.max()), String.format(Locale.ROOT, "%,.1f", h.mean()));
    }
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String percent(long part, long whole) {
    return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }
}
