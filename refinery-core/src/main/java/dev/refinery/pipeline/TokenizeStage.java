package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.IoErrors;
import dev.refinery.run.RunFolder;
import dev.refinery.tokenize.TokenizeJob;
import dev.refinery.tokenize.TokenizedFormat;
import dev.refinery.tokenize.TokenizedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/** The stage of a final tokenize step, after the last stage of the pipeline's steps. */
final class TokenizeStage {
  private TokenizeStage() {}

  /**
   * The final tokenize step's output: the last stage's partitions, in global order, tokenized
   * (and packed across partitions) into {@code tokenized/} with their token statistics. The
   * statistics are written last, so a resumed run that finds them skips the stage. {@code
   * openPart} opens a partition of the last stage (a stopped run stops there).
   */
  static Map<String, Object> run(RunFolder folder, int partitions, TokenizeStep step,
      LocalRunner.Options options, Consumer<String> note, IntFunction<SampleReader> openPart) {
    Path run = folder.root();
    TokenizeStep.Config c = step.config();
    Path tokenized = folder.tokenized();
    Path out = tokenized.resolve(c.format() == TokenizedFormat.MEGATRON
        ? "tokens" : "tokens." + c.format());
    Path statsFile = tokenized.resolve("tokens.stats.json");
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("files", c.format().files(out).stream().map(p -> run.relativize(p).toString())
        .toList());
    report.put("stats", run.relativize(statsFile).toString());
    if (options.resume() && Files.exists(statsFile)) {
      note.accept("stage tokenize: already written, skipped");
      return report;
    }
    TokenizeStep.Opened opened = step.opened();
    TokenizeJob.Result result;
    try (PartsInOrder parts = new PartsInOrder(partitions, openPart);
         TokenizedWriter writer = TokenizedWriter
             .open(c.format(), out, opened.tokenizer().vocabSize(), c.labels())) {
      result = TokenizeJob.run(parts, opened.sampleTokenizer(),
          new TokenizeJob.Settings(c.limit(), c.pack(), c.packWindow(),
              options.workers()), writer, null);
      TokenizeJob.writeStats(statsFile, result, c.toJson());
    } catch (IOException e) {
      throw new RefineryException(out + ": cannot write: "
          + IoErrors.reason(e), e);
    }
    report.put("rows", result.written());
    report.put("tokens", result.tokens());
    report.put("trained_tokens", result.stats().total().trainedTokens());
    String line = "stage tokenize: " + result.read() + " samples, " + result.tokens()
        + " tokens into " + result.written() + (c.pack() ? " sequences" : " samples");
    if (result.packing() != null) {
      line += String.format(Locale.ROOT, " (packing efficiency %.2f%%)",
          100 * result.packing().efficiency());
    }
    note.accept(line + " -> " + run.relativize(tokenized));
    return report;
  }

  /** The samples of a stage's partitions one after the other, each part opened in turn. */
  private static final class PartsInOrder implements Iterator<TokenizeJob.Input>,
      AutoCloseable {
    private final int parts;
    private final IntFunction<SampleReader> openPart;
    private int nextPart;
    private SampleReader current;

    PartsInOrder(int parts, IntFunction<SampleReader> openPart) {
      this.parts = parts;
      this.openPart = openPart;
    }

    @Override
    public boolean hasNext() {
      while (current == null || !current.hasNext()) {
        if (current != null) {
          current.close();
          current = null;
        }
        if (nextPart == parts) {
          return false;
        }
        current = openPart.apply(nextPart++);
      }
      return true;
    }

    @Override
    public TokenizeJob.Input next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      // The pipeline's samples no longer carry the split they were read from.
      return new TokenizeJob.Input(current.next(), null);
    }

    @Override
    public void close() {
      if (current != null) {
        current.close();
      }
    }
  }
}
