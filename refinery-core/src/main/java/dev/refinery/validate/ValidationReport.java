package dev.refinery.validate;

import dev.refinery.internal.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What validating some samples found. An immutable value that adds up: the report of several
 * partitions is their {@link #plus} in input order, so examples stay the first ones in input order.
 *
 * <p>Lengths are counted in Unicode code points over well-formed samples, as the dataset card's
 * script measures {@code len(input)} and {@code len(output)}: the input of a sample is its first
 * user turn's content, its output is its final assistant turn's whole content (think block
 * included); a missing turn or null content counts as 0.
 *
 * @param totalSamples every record of the input, decodable or not
 * @param malformedSamples records that could not be decoded or break the schema
 * @param malformedReasons malformed records by reason ({@code undecodable}, {@code
 *     reasoning_not_on_off}, {@code no_messages}, {@code unknown_role}), in order of first sight
 * @param emptySamples well-formed samples with a blank user turn or a blank assistant turn that
 *     calls no tools, not counting the placeholders of {@code externalPromptSamples}; a final
 *     assistant turn without tool calls that is only a closed think block ({@code
 *     <think>…</think>} and a blank answer) is blank too, while an unterminated or stray think tag
 *     is left to {@code broken_think_block}
 * @param externalPromptSamples well-formed samples whose prompt must be re-joined from an outside
 *     source, as the card documents: chat rows with a blank user turn, code rows whose user turn
 *     is "-"
 * @param samplesWithIssues well-formed samples that break at least one rule
 * @param inputCodePoints sum of input lengths over well-formed samples
 * @param outputCodePoints sum of output lengths over well-formed samples
 * @param rules tallies by rule id, in rule order
 * @param emptyExamples the first {@link RuleTally#MAX_EXAMPLES} empty samples in input order (their
 *     uuid, or where they were read when they have none)
 * @param malformedExamples by reason, the first {@link RuleTally#MAX_EXAMPLES} malformed records
 *     in input order (uuid, or where they were read: undecodable records have no uuid to show)
 */
public record ValidationReport(
    long totalSamples,
    long malformedSamples,
    Map<String, Long> malformedReasons,
    long emptySamples,
    long externalPromptSamples,
    long samplesWithIssues,
    long inputCodePoints,
    long outputCodePoints,
    Map<String, RuleTally> rules,
    List<String> emptyExamples,
    Map<String, List<String>> malformedExamples) {

  public static final ValidationReport EMPTY =
      new ValidationReport(0, 0, Map.of(), 0, 0, 0, 0, 0, Map.of());

  public ValidationReport {
    malformedReasons = Collections.unmodifiableMap(new LinkedHashMap<>(malformedReasons));
    rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    emptyExamples = firstExamples(emptyExamples);
    Map<String, List<String>> byReason = new LinkedHashMap<>();
    malformedExamples.forEach((reason, ex) -> byReason.put(reason, firstExamples(ex)));
    malformedExamples = Collections.unmodifiableMap(byReason);
  }

  /** A report without empty or malformed examples. */
  public ValidationReport(long totalSamples, long malformedSamples,
      Map<String, Long> malformedReasons, long emptySamples, long externalPromptSamples,
      long samplesWithIssues, long inputCodePoints, long outputCodePoints,
      Map<String, RuleTally> rules) {
    this(totalSamples, malformedSamples, malformedReasons, emptySamples, externalPromptSamples,
        samplesWithIssues, inputCodePoints, outputCodePoints, rules, List.of(), Map.of());
  }

  /** The report of {@code count} records the reader could not decode. */
  public static ValidationReport undecodable(long count) {
    return undecodable(count, List.of());
  }

  /**
   * The report of {@code count} records the reader could not decode, {@code examples} naming the
   * first of them (where they were read) in input order.
   */
  public static ValidationReport undecodable(long count, List<String> examples) {
    if (count == 0) {
      return EMPTY;
    }
    return new ValidationReport(count, count, Map.of(Schema.UNDECODABLE, count), 0, 0, 0, 0, 0,
        Map.of(), List.of(), examples.isEmpty() ? Map.of() : Map.of(Schema.UNDECODABLE, examples));
  }

  private static List<String> firstExamples(List<String> examples) {
    return List.copyOf(examples.size() > RuleTally.MAX_EXAMPLES
        ? examples.subList(0, RuleTally.MAX_EXAMPLES) : examples);
  }

  /** {@code first} then {@code later}, cut to the first {@link RuleTally#MAX_EXAMPLES}. */
  private static List<String> concat(List<String> first, List<String> later) {
    if (later.isEmpty() || first.size() >= RuleTally.MAX_EXAMPLES) {
      return first;
    }
    List<String> all = new ArrayList<>(first);
    all.addAll(later);
    return all;
  }

  public long wellFormedSamples() {
    return totalSamples - malformedSamples;
  }

  /** Mean input length in code points over well-formed samples; 0 when there are none. */
  public double avgInputLength() {
    return mean(inputCodePoints);
  }

  /** Mean output length in code points over well-formed samples; 0 when there are none. */
  public double avgOutputLength() {
    return mean(outputCodePoints);
  }

  private double mean(long sum) {
    long n = wellFormedSamples();
    return n == 0 ? 0 : (double) sum / n;
  }

  /** The tally of one rule, or an empty one when the report has not seen it. */
  public RuleTally rule(String id) {
    return rules.getOrDefault(id, RuleTally.none(""));
  }

  /** This report followed by {@code later}'s: counts add, examples keep input order. */
  public ValidationReport plus(ValidationReport later) {
    Map<String, Long> reasons = new LinkedHashMap<>(malformedReasons);
    later.malformedReasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
    Map<String, RuleTally> merged = new LinkedHashMap<>(rules);
    later.rules.forEach((k, v) -> merged.merge(k, v, RuleTally::plus));
    Map<String, List<String>> malformedEx = new LinkedHashMap<>(malformedExamples);
    later.malformedExamples.forEach((k, v) -> malformedEx.merge(k, v, ValidationReport::concat));
    return new ValidationReport(
        totalSamples + later.totalSamples,
        malformedSamples + later.malformedSamples,
        reasons,
        emptySamples + later.emptySamples,
        externalPromptSamples + later.externalPromptSamples,
        samplesWithIssues + later.samplesWithIssues,
        inputCodePoints + later.inputCodePoints,
        outputCodePoints + later.outputCodePoints,
        merged,
        concat(emptyExamples, later.emptyExamples),
        malformedEx);
  }

  /** The report as plain JSON-like values, in the order of {@link #toJson()}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total_samples", totalSamples);
    m.put("well_formed_samples", wellFormedSamples());
    m.put("malformed_samples", malformedSamples);
    m.put("malformed_reasons", new LinkedHashMap<>(malformedReasons));
    // Every reason gets a list, in the order of malformed_reasons.
    Map<String, Object> malformedEx = new LinkedHashMap<>();
    malformedReasons.keySet().forEach(reason ->
        malformedEx.put(reason, malformedExamples.getOrDefault(reason, List.of())));
    m.put("malformed_examples", malformedEx);
    m.put("empty_samples", emptySamples);
    m.put("empty_examples", emptyExamples);
    m.put("external_prompt_samples", externalPromptSamples);
    m.put("samples_with_issues", samplesWithIssues);
    m.put("avg_input_length", round2(avgInputLength()));
    m.put("avg_output_length", round2(avgOutputLength()));
    Map<String, Object> r = new LinkedHashMap<>();
    rules.forEach((id, t) -> {
      Map<String, Object> tally = new LinkedHashMap<>();
      tally.put("description", t.description());
      tally.put("count", t.count());
      tally.put("examples", t.examples());
      r.put(id, tally);
    });
    m.put("rules", r);
    return m;
  }

  /** One JSON object; averages rounded to two decimals. */
  public String toJson() {
    return Json.write(toMap());
  }

  /** Lines for a person: the counts, then an aligned table of rule, count, examples. */
  public String summary() {
    StringBuilder reasons = new StringBuilder();
    malformedReasons.forEach((k, v) ->
        reasons.append(reasons.length() == 0 ? "(" : ", ").append(k).append(' ').append(v));
    String[][] head = {
        {"samples", String.valueOf(totalSamples), ""},
        {"  well-formed", String.valueOf(wellFormedSamples()), ""},
        {"  malformed", String.valueOf(malformedSamples),
            reasons.length() == 0 ? "" : reasons + ")"},
        {"  empty turn", String.valueOf(emptySamples), ""},
        {"  external prompt", String.valueOf(externalPromptSamples),
            "(chat rows with an empty user turn, code rows with \"-\")"},
        {"  with issues", String.valueOf(samplesWithIssues), "(break at least one rule)"},
        {"avg input length", String.format(Locale.ROOT, "%.2f", avgInputLength()),
            "(code points, first user turn)"},
        {"avg output length", String.format(Locale.ROOT, "%.2f", avgOutputLength()),
            "(code points, final assistant turn)"}};
    int valueWidth = 0;
    for (String[] line : head) {
      valueWidth = Math.max(valueWidth, line[1].length());
    }
    StringBuilder b = new StringBuilder();
    for (String[] line : head) {
      b.append(String.format(Locale.ROOT, "%-18s %" + valueWidth + "s  %s", (Object[]) line)
          .stripTrailing()).append('\n');
    }
    b.append('\n');
    int idWidth = "rule".length();
    int countWidth = "count".length();
    for (Map.Entry<String, RuleTally> e : rules.entrySet()) {
      idWidth = Math.max(idWidth, e.getKey().length());
      countWidth = Math.max(countWidth, String.valueOf(e.getValue().count()).length());
    }
    String row = "%-" + idWidth + "s  %" + countWidth + "s  %s";
    b.append(String.format(Locale.ROOT, row, "rule", "count", "examples")).append('\n');
    rules.forEach((id, t) -> b.append(String.format(Locale.ROOT, row, id, t.count(),
        String.join(", ", t.examples())).stripTrailing()).append('\n'));
    return b.toString();
  }

  private static double round2(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }
}
