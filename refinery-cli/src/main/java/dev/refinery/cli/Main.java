package dev.refinery.cli;

import dev.refinery.hub.HubCache;
import dev.refinery.hub.HubClient;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code refinery} command line: one class per subcommand, one place that maps errors. */
@Command(
    name = "refinery",
    mixinStandardHelpOptions = true,
    version = "refinery 0.1.0",
    description = "Read, convert, inspect, validate and curate LLM post-training datasets.",
    subcommands = {
        DemoCommand.class,
        SampleDataCommand.class,
        StatsCommand.class,
        ShowCommand.class,
        ValidateCommand.class,
        ConvertCommand.class,
        FormatCommand.class,
        TokenizeCommand.class,
        RunCommand.class,
        StepsCommand.class,
        BlendCommand.class,
        InterleaveCommand.class,
        ShuffleCommand.class,
        SplitCommand.class,
        ShardCommand.class,
        GenerateCommand.class,
        DownloadCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  /** Read by {@link HubClient#configured}: the one setting every hf:// read in this process uses. */
  @Option(names = "--hf-token-env", scope = ScopeType.INHERIT, paramLabel = "VAR",
      description = "Read the Hugging Face token for hf:// paths from this environment variable "
          + "(default HF_TOKEN). HF_ENDPOINT names a mirror or a private Hub.")
  void hfTokenEnv(String variable) {
    System.setProperty(HubClient.TOKEN_VARIABLE_PROPERTY, variable);
  }

  @Option(names = "--offline", scope = ScopeType.INHERIT,
      description = "Read hf:// paths from the Hugging Face cache only (as HF_HUB_OFFLINE=1).")
  void offline(boolean offline) {
    if (offline) {
      System.setProperty(HubCache.OFFLINE_PROPERTY, "1");
    }
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line with the given streams; returns the exit status. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    // A setting of an earlier command line in this JVM (a test) is not this one's.
    System.clearProperty(HubClient.TOKEN_VARIABLE_PROPERTY);
    System.clearProperty(HubCache.OFFLINE_PROPERTY);
    CommandLine cli = new CommandLine(new Main());
    // Every subcommand answers --help, not only the root.
    cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().mixinStandardHelpOptions(true));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    int status;
    try {
      status = cli.execute(args);
    } catch (OutOfMemoryError e) {
      // A heap too small for the job is the user's to fix, in one line.
      err.println("error: out of memory (heap limit " + Runtime.getRuntime().maxMemory() / (1 << 20)
          + " MB); give the JVM more, e.g. REFINERY_JAVA_OPTS=-Xmx2g, or use fewer --workers");
      status = ErrorHandler.USER_ERROR;
    } catch (StackOverflowError e) {
      // Input nested past what a reader bounds should never get here; if it does, one line, not
      // a thousand stack frames.
      err.println("internal error: stack overflow (run with --verbose for details)");
      if (Arrays.asList(args).contains("--verbose")) {
        e.printStackTrace(err);
      }
      status = ErrorHandler.INTERNAL_ERROR;
    }
    out.flush();
    err.flush();
    return status;
  }
}
