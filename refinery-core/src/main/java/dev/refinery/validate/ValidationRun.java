package dev.refinery.validate;

import dev.refinery.dataset.SampleReader;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One validation over many partitions. {@link #partition} may run on several threads at once, one
 * call per partition; duplicate uuids are found across all partitions of the run, so their tally
 * comes from {@link #duplicates()} and {@link #finish} adds it to the partitions' reports.
 */
public final class ValidationRun {
  private final List<Rule> rules;
  private final UuidTable uuids = new UuidTable();

  ValidationRun(List<Rule> rules) {
    this.rules = rules;
  }

  /**
   * Checks one partition's decoded samples. Undecodable records are not in the iterator; add
   * {@link ValidationReport#undecodable} for them.
   *
   * @param index the partition's place in the input, unique within the run: it orders duplicates
   * @param samples the partition's samples in input order; a {@link SampleReader} lets samples
   *     without a uuid be named by file and line in examples
   */
  public ValidationReport partition(int index, Iterator<Sample> samples) {
    Tally t = new Tally();
    SampleReader reader = samples instanceof SampleReader r ? r : null;
    long ordinal = 0;
    while (samples.hasNext()) {
      Sample s = samples.next();
      long position = ordinal++;
      t.total++;
      String problem = Schema.problem(s);
      if (problem != null) {
        t.malformed++;
        t.malformedReasons.merge(problem, 1L, Long::sum);
        List<String> examples =
            t.malformedExamples.computeIfAbsent(problem, k -> new ArrayList<>());
        if (examples.size() < RuleTally.MAX_EXAMPLES) {
          examples.add(label(s, reader, index, position));
        }
        continue;
      }
      t.inputCodePoints += codePoints(s.firstUserPrompt());
      Message last = s.finalAssistant();
      t.outputCodePoints += codePoints(last == null ? null : last.content());
      if (hasExternalPrompt(s)) {
        t.externalPrompt++;
      }
      if (hasEmptyTurn(s)) {
        t.empty++;
        if (t.emptyExamples.size() < RuleTally.MAX_EXAMPLES) {
          t.emptyExamples.add(label(s, reader, index, position));
        }
      }
      boolean issue = false;
      String label = null;
      for (int i = 0; i < rules.size(); i++) {
        if (rules.get(i).breaks(s)) {
          issue = true;
          t.counts[i]++;
          if (t.examples.get(i).size() < RuleTally.MAX_EXAMPLES) {
            if (label == null) {
              label = label(s, reader, index, position);
            }
            t.examples.get(i).add(label);
          }
        }
      }
      if (issue) {
        t.withIssues++;
      }
      if (s.uuid() != null) {
        uuids.add(s.uuid(), index, position, !issue);
      }
    }
    return t.report();
  }

  /** The duplicate_uuid tally over every partition checked so far. */
  public ValidationReport duplicates() {
    return uuids.report();
  }

  /** The partitions' reports added in the order given (input order), then the duplicates. */
  public ValidationReport finish(List<ValidationReport> partitionsInInputOrder) {
    ValidationReport sum = ValidationReport.EMPTY.plus(emptyTallies());
    for (ValidationReport r : partitionsInInputOrder) {
      sum = sum.plus(r);
    }
    return sum.plus(duplicates());
  }

  /** Every rule at zero, so that a report lists all rules in rule order. */
  private ValidationReport emptyTallies() {
    return new Tally().report();
  }

  private static String label(Sample s, SampleReader reader, int partition, long ordinal) {
    if (s.uuid() != null) {
      return s.uuid();
    }
    if (reader != null && reader.currentLocation() != null) {
      return reader.currentLocation().toString();
    }
    return "partition " + partition + " sample " + (ordinal + 1);
  }

  static long codePoints(String s) {
    return s == null ? 0 : s.codePointCount(0, s.length());
  }

  /** The placeholders the dataset card documents: prompts to re-join from their source. */
  static boolean isPlaceholderPrompt(Sample s, Message user) {
    String content = user.content() == null ? "" : user.content();
    return ("chat".equalsIgnoreCase(s.category()) && content.isBlank())
        || ("code".equalsIgnoreCase(s.category()) && content.strip().equals("-"));
  }

  static boolean hasExternalPrompt(Sample s) {
    for (Message m : s.messages()) {
      if (m.isUser() && isPlaceholderPrompt(s, m)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A blank user turn (not a placeholder), a blank assistant turn that calls no tools, or a final
   * assistant turn that calls no tools and holds only a well-formed think block: its answer
   * outside {@code <think>…</think>} is blank, so the reasoning led nowhere. An unterminated or
   * stray think tag with nothing after it is not counted here: that is {@code broken_think_block}'s
   * (the trace was cut off, which says more than "empty").
   */
  static boolean hasEmptyTurn(Sample s) {
    for (Message m : s.messages()) {
      boolean blank = m.content() == null || m.content().isBlank();
      if (m.isUser() && blank && !isPlaceholderPrompt(s, m)) {
        return true;
      }
      if (m.isAssistant() && blank && !m.hasToolCalls()) {
        return true;
      }
    }
    Message last = s.finalAssistant();
    if (last != null && !last.hasToolCalls()) {
      ThinkBlock block = ThinkBlock.parse(last.content());
      return block.state() == ThinkBlock.State.CLOSED && block.answer().isEmpty();
    }
    return false;
  }

  /** One partition's counts while it is being read. */
  private final class Tally {
    long total;
    long malformed;
    final Map<String, Long> malformedReasons = new LinkedHashMap<>();
    final Map<String, List<String>> malformedExamples = new LinkedHashMap<>();
    long empty;
    final List<String> emptyExamples = new ArrayList<>();
    long externalPrompt;
    long withIssues;
    long inputCodePoints;
    long outputCodePoints;
    final long[] counts = new long[rules.size()];
    final List<List<String>> examples = new ArrayList<>();

    Tally() {
      for (int i = 0; i < rules.size(); i++) {
        examples.add(new ArrayList<>());
      }
    }

    ValidationReport report() {
      Map<String, RuleTally> tallies = new LinkedHashMap<>();
      for (int i = 0; i < rules.size(); i++) {
        Rule rule = rules.get(i);
        tallies.put(rule.id(), new RuleTally(rule.description(), counts[i], examples.get(i)));
      }
      return new ValidationReport(total, malformed, malformedReasons, empty, externalPrompt,
          withIssues, inputCodePoints, outputCodePoints, tallies, emptyExamples,
          malformedExamples);
    }
  }
}
