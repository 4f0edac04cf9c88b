package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.hub.HubDownload;
import dev.refinery.hub.HubPaths;
import dev.refinery.hub.HubUri;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code refinery download}: Hub files to a local folder or the Hugging Face cache. */
@Command(name = "download", mixinStandardHelpOptions = true,
    description = {
        "Download a dataset repository, a folder, a file or a glob of one from the Hugging Face "
            + "Hub, resumably: run it again after a stop and it fetches only what is missing.",
        "Without --to, files go into the Hugging Face cache (HF_HUB_CACHE, HF_HOME/hub or "
            + "~/.cache/huggingface/hub) in huggingface_hub's layout, where Python tools and "
            + "hf:// reads find them; HF_TOKEN (or --hf-token-env) opens gated repositories."},
    footer = {"", "Examples:",
        "  refinery download hf://datasets/nvidia/Nemotron-Post-Training-Dataset-v1 --split math",
        "  refinery download hf://datasets/ORG/NAME@v1.1/data --to ./nemotron"})
final class DownloadCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "HF_PATH",
      description = "hf://datasets/ORG/NAME[@REVISION][/PATH-OR-GLOB]")
  String source;

  @Option(names = "--to", paramLabel = "DIR",
      description = "Write the files here, at their paths in the repository.")
  Path to;

  @Option(names = "--split", split = ",", paramLabel = "SPLIT",
      description = "Only the data files of these splits (as every reading command selects "
          + "them).")
  List<String> splits = new ArrayList<>();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!HubUri.isHub(source)) {
      throw new RefineryException(source + ": not an hf:// path (hf://datasets/ORG/NAME[@REV]"
          + "[/PATH])");
    }
    List<Path> files = files();
    PrintWriter err = spec.commandLine().getErr();
    Progress progress = new Progress(err, System.console() != null);
    HubDownload.Result r;
    try {
      r = HubDownload.download(files, to, progress);
    } finally {
      progress.close();
    }
    Path where = to != null ? to : dev.refinery.hub.HubCache.configured(
        dev.refinery.hub.HubClient::systemSetting).root();
    spec.commandLine().getOut().printf(Locale.ROOT,
        "%d files, %s (%s fetched now; %d resumed, %d already there) in %s%n", r.files(),
        mb(r.bytes()), mb(r.fetched()), r.resumed(), r.kept(), where);
    return 0;
  }

  /** Data files by split or glob as every reading command selects them; else all files. */
  private List<Path> files() {
    String path = HubUri.parse(source).path();
    if (!splits.isEmpty() || path.contains("*") || path.contains("?") || path.contains("[")) {
      return Inputs.resolve(source, splits).stream().map(InputFile::path).toList();
    }
    Path root = HubPaths.of(source);
    try {
      if (Files.isRegularFile(root)) {
        return List.of(root);
      }
      try (Stream<Path> s = Files.walk(root)) {
        return s.filter(Files::isRegularFile).sorted().toList();
      }
    } catch (IOException e) {
      throw new RefineryException(source + ": cannot list: " + e.getMessage(), e);
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /** A bar on a terminal; a line every 10 s otherwise. */
  private static final class Progress implements HubDownload.Listener {
    private final PrintWriter err;
    private final boolean terminal;
    private ProgressBar bar;
    private long total;
    private long done;
    private long lastLine = System.nanoTime();

    Progress(PrintWriter err, boolean terminal) {
      this.err = err;
      this.terminal = terminal;
    }

    @Override
    public void started(int files, long bytes) {
      total = bytes;
      if (terminal) {
        bar = new ProgressBarBuilder().setTaskName("download").setInitialMax(bytes)
            .setUnit(" MB", 1_000_000).setStyle(ProgressBarStyle.ASCII).showSpeed()
            .setUpdateIntervalMillis(500).build();
      } else {
        err.printf(Locale.ROOT, "downloading %d files, %s%n", files, mb(bytes));
      }
    }

    @Override
    public void advanced(long bytes) {
      done += bytes;
      if (bar != null) {
        bar.stepBy(bytes);
      } else if (System.nanoTime() - lastLine > 10_000_000_000L) {
        lastLine = System.nanoTime();
        err.printf(Locale.ROOT, "downloaded %s of %s%n", mb(done), mb(total));
      }
    }

    void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
