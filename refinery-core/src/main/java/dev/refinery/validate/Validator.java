package dev.refinery.validate;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Format;
import dev.refinery.io.InputFile;
import dev.refinery.run.InOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks samples against a list of {@link Rule}s and the schema, and counts what it finds into a
 * {@link ValidationReport}. Immutable and thread safe; each {@link #newRun()} has its own
 * duplicate-uuid table.
 *
 * <pre>{@code
 * ValidationReport r = new Validator().validate(Inputs.resolve("data/"), Formats.nemotron(), rejects);
 * System.out.println(r.summary());
 * }</pre>
 */
public final class Validator {
  private final List<Rule> rules;

  /** A validator with {@link Rules#standard()}. */
  public Validator() {
    this(Rules.standard());
  }

  public Validator(List<Rule> rules) {
    Set<String> ids = new HashSet<>();
    for (Rule r : rules) {
      if (r.id().equals(Rules.DUPLICATE_UUID) || !ids.add(r.id())) {
        throw new IllegalArgumentException("rule id '" + r.id() + "' is used twice");
      }
    }
    this.rules = List.copyOf(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  public ValidationRun newRun() {
    return new ValidationRun(rules);
  }

  /** {@link #validate(List, Format, RejectHandler, int)} on all cores. */
  public ValidationReport validate(List<InputFile> files, Format format, RejectHandler onReject) {
    return validate(files, format, onReject, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Validates files in parallel, one partition per file, and merges their reports in file order.
   * Undecodable records go to {@code onReject} (shared by all threads, so it must be thread safe)
   * and count as malformed; validation goes on after them.
   *
   * @throws RefineryException when a file cannot be read at all
   */
  public ValidationReport validate(List<InputFile> files, Format format, RejectHandler onReject,
      int threads) {
    ValidationRun run = newRun();
    List<ValidationReport> reports = new ArrayList<>(files.size());
    InOrder.run(files, threads, (index, file) -> {
      // The first few undecodable records of this file, by where they were read.
      List<String> undecodable = new ArrayList<>();
      RejectHandler noting = r -> {
        if (undecodable.size() < RuleTally.MAX_EXAMPLES) {
          undecodable.add(String.valueOf(r.location()));
        }
        onReject.reject(r);
      };
      try (SampleReader reader = SampleReader.open(file, format, noting)) {
        ValidationReport checked = run.partition(index, reader);
        return checked.plus(ValidationReport.undecodable(reader.rejected(), undecodable));
      }
    }, reports::add);
    return run.finish(reports);
  }
}
