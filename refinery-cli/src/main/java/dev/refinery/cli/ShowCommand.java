package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.io.InputFile;
import dev.refinery.sample.Sample;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code refinery show}: the first few samples, or one by uuid, laid out for reading. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print samples for reading: a header per sample, each message under its role, "
        + "tool calls as name(arguments); reasoning traces and long messages are folded unless "
        + "--full.",
    footer = {"", "Examples:",
        "  refinery show data/ --split math --n 5",
        "  refinery show train.jsonl --uuid 3f2a... --full"})
final class ShowCommand implements Callable<Integer> {
  enum ColorMode { auto, always, never }

  @Mixin
  InputOptions input;

  @Option(names = {"-n", "--n"}, paramLabel = "N", defaultValue = "3",
      description = "How many samples to show (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--uuid", paramLabel = "UUID",
      description = "Show the sample with this uuid (reading stops there).")
  String uuid;

  @Option(names = "--full", description = "Show reasoning traces and long messages in full.")
  boolean full;

  @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
      description = "Color the output: auto (when printing to a terminal), always, never.")
  ColorMode color;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (n < 1 && uuid == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--n must be at least 1, got " + n);
    }
    boolean ansi = color == ColorMode.always
        || (color == ColorMode.auto && System.console() != null);
    SampleView view = new SampleView(full, ansi);
    PrintWriter out = spec.commandLine().getOut();
    List<InputFile> files = input.files();
    int shown = 0;
    long skipped;
    // Undecodable records are skipped: show is for looking, validate is for finding faults.
    try (SampleReader reader = input.open(files, rejected -> { })) {
      while ((uuid != null || shown < n) && reader.hasNext()) {
        Sample s = reader.next();
        if (uuid != null && !uuid.equals(s.uuid())) {
          continue;
        }
        if (shown > 0) {
          out.println();
        }
        out.print(view.render(s, reader.currentFile().split(), shown + 1));
        shown++;
        if (uuid != null) {
          break;
        }
      }
      skipped = reader.rejected();
    }
    out.flush();
    if (skipped > 0) {
      spec.commandLine().getErr().println("(skipped " + skipped + " undecodable record"
          + (skipped == 1 ? "" : "s") + ")");
    }
    if (uuid != null && shown == 0) {
      throw new RefineryException("no sample with uuid " + uuid + " in " + input.path);
    }
    return 0;
  }
}
