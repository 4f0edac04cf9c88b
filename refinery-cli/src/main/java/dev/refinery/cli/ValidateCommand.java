package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.format.Format;
import dev.refinery.io.InputFile;
import dev.refinery.validate.ValidationReport;
import dev.refinery.validate.Validator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Checks a dataset's schema and quality (the dataset card's script, done right) and reports what
 * it finds. Exits 0 whenever the input could be read, whatever it holds: finding bad records is
 * its job, not a failure.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check schema and quality of a dataset: malformed and empty records, role "
        + "order, think blocks, reasoning flags, \\boxed{} math answers, fenced code, tool calls, "
        + "metadata, self-identification, duplicate uuids.",
    footer = {"", "Examples:",
        "  refinery validate data/ --split math,code",
        "  refinery validate train.jsonl --json --rejects bad.jsonl"})
final class ValidateCommand implements Callable<Integer> {
  @Mixin
  InputOptions input;

  @Option(names = "--json", description = "Print the report as one JSON object.")
  boolean json;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Write undecodable records here (JSON Lines: file, line, reason, raw). "
          + "Without it they are only counted as malformed.")
  Path rejects;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<InputFile> files = input.files();
    Format format = input.format(files);
    PrintWriter out = spec.commandLine().getOut();
    ValidationReport report;
    long rejected;
    UndecodableNote note;
    if (rejects == null) {
      // SampleReader counts the records it rejects; validate never stops at one.
      note = new UndecodableNote(r -> { });
      report = new Validator().validate(files, format, note);
      rejected = -1;
    } else {
      try (RejectsWriter writer = openRejects()) {
        note = new UndecodableNote(writer);
        report = new Validator().validate(files, format, note);
        rejected = writer.count();
      } catch (IOException e) {
        throw RefineryException.cannot("write", rejects, e);
      }
    }
    if (json) {
      out.println(report.toJson());
    } else {
      out.print(report.summary());
    }
    out.flush();
    note.print(spec.commandLine().getErr(), rejects != null);
    if (rejected >= 0) {
      // Keep stdout pure JSON when asked for JSON.
      PrintWriter where = json ? spec.commandLine().getErr() : out;
      where.println(rejected + " undecodable record" + (rejected == 1 ? "" : "s")
          + " written to " + rejects);
    }
    return 0;
  }

  private RejectsWriter openRejects() {
    try {
      return new RejectsWriter(rejects);
    } catch (IOException e) {
      throw RefineryException.cannot("write", rejects, e);
    }
  }
}
