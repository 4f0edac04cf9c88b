package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import dev.refinery.template.Templates;
import dev.refinery.tokenize.LengthPolicy;
import dev.refinery.tokenize.Packer;
import dev.refinery.tokenize.SampleTokenizer;
import dev.refinery.tokenize.TokenizedFormat;
import dev.refinery.tokenize.TokenizedSample;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * {@code tokenize}, the last step: per partition (on the workers) it renders and tokenizes each
 * sample once and hands the ids and loss mask on with the row ({@link TokenAttachment}) to the
 * {@link TokenizedSink}, which applies the length policy, packs and writes in output order.
 *
 * <p>In a pipeline it drops what the template cannot render ({@code template_error}, with the
 * message as detail) and, under {@code overflow: drop}, what is over {@code max_length} ({@code
 * over_max_length}), so that {@code data/} holds what {@code tokenized/} holds. For {@code refinery
 * tokenize} ({@link CommandSteps#tokenize}) it drops nothing: the sink rejects what cannot render
 * and drops what is too long, counting both in the token statistics.
 *
 * <p>Serializable: the tokenizer is opened lazily where the step runs.
 */
final class TokenizeStep implements MapStep {
  static final String OVER_MAX_LENGTH = "over_max_length";
  /** The reason of a sample the template cannot render. */
  static final String TEMPLATE_ERROR = "template_error";

  static final List<Param> PARAMS = List.of(
      Param.of("tokenizer", Param.Type.PATH, null, "a tokenizer.json, a folder holding one "
          + "(relative to the pipeline file), or cl100k_base / o200k_base"),
      Param.of("template", Param.Type.STRING, "", "chat template: " + String.join(", ",
          Templates.NAMES) + ", or a tokenizer_config.json / folder / .jinja file (relative to "
          + "the pipeline file); empty: the chat_template beside the tokenizer"),
      Param.of("max_length", Param.Type.INT, null, "most tokens per sample (and per packed "
          + "sequence)").between(1, Integer.MAX_VALUE),
      Param.of("pack", Param.Type.BOOLEAN, false, "pack samples into sequences of max_length "
          + "tokens (across all partitions)"),
      Param.of("pack_window", Param.Type.INT, (long) Packer.DEFAULT_WINDOW,
          "samples packed together (best-fit decreasing within each window)").between(1, Integer.MAX_VALUE),
      Param.choice("loss", "assistant", "tokens trained on", "assistant", "all"),
      Param.choice("turns", "all", "with loss assistant: every assistant turn or the last",
          "all", "last"),
      Param.choice("overflow", "drop", "samples over max_length", "drop", "truncate", "keep"),
      Param.choice("reasoning", "keep", "the <think> block", "keep", "strip", "on-only"),
      Param.choice("format", "parquet", "the tokenized file format", "parquet", "jsonl",
          "megatron"),
      Param.of("labels", Param.Type.BOOLEAN, false,
          "write labels (id where trained, -100 elsewhere) instead of loss_mask"),
      Param.of("tools", Param.Type.BOOLEAN, true, "render metadata.tools into the prompt; a "
          + "template whose text would lack a row's tools or calls drops it (template_error); "
          + "false drops every row that defines tools"),
      Param.of("wrap_tools", Param.Type.BOOLEAN, true, "hand bare tool entries to the template "
          + "as {type: function, function: {...}}, as transformers does"));

  private final TokenizeConfig config;
  /** Whether the sink, not the step, sets aside what cannot render or is too long. */
  private final boolean passesFailures;
  /** The tokenizer and sample tokenizer, opened together where the step runs. */
  record Opened(Tokenizer tokenizer, SampleTokenizer sampleTokenizer) {}

  private transient volatile Opened opened;

  TokenizeStep(TokenizeConfig config) {
    this(config, false, null);
  }

  /** With {@code opened} already open (a command's), or null to open it where it runs. */
  TokenizeStep(TokenizeConfig config, boolean passesFailures, Tokenizer opened) {
    this.config = config;
    this.passesFailures = passesFailures;
    this.opened = opened == null ? null : new Opened(opened, config.open(opened));
  }

  static StepType type() {
    return new StepType("tokenize", "the last step: render with a chat template, tokenize with "
        + "loss masks, drop what cannot render or is too long, and write tokenized/ (parquet, "
        + "jsonl or megatron, optionally packed) with token statistics",
        PARAMS, TokenizeStep::create);
  }

  private static Step create(Params p, Path base, String where) {
    String tok = p.getString("tokenizer").trim();
    if (!Tokenizers.ENCODINGS.contains(tok.toLowerCase(Locale.ROOT))) {
      Path path = base.resolve(tok).normalize();
      Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
      if (!Files.isRegularFile(file)) {
        throw new RefineryException(where + ".tokenizer: tokenizer not found: " + file);
      }
      tok = path.toString();
    }
    long maxLength = p.getInt("max_length");
    long window = p.getInt("pack_window");
    String template;
    try {
      String given = p.getString("template");
      if (given != null && !given.isBlank() && !Templates.isBuiltIn(given)) {
        Path file = base.resolve(given.strip()).normalize();
        given = Files.exists(file) ? file.toString() : given;
      }
      template = Templates.specFor(given, tok);
      Templates.resolve(template); // a missing file or a config without chat_template fails now
    } catch (RefineryException e) {
      throw new RefineryException(where + ".template: " + e.getMessage(), e);
    }
    LengthPolicy overflow = LengthPolicy.parse(p.getString("overflow"));
    boolean pack = p.getBoolean("pack");
    if (pack && overflow == LengthPolicy.KEEP) {
      throw new RefineryException(where + ".overflow: packing cannot hold samples longer than "
          + "max_length; use drop or truncate");
    }
    TokenizedFormat format = TokenizedFormat.parse(p.getString("format"));
    if (p.getBoolean("labels") && format == TokenizedFormat.MEGATRON) {
      throw new RefineryException(where + ".labels: a Megatron indexed dataset holds token ids "
          + "only; use format parquet or jsonl");
    }
    TokenizeConfig config = new TokenizeConfig(tok, Templates.isBuiltIn(template)
        ? template.toLowerCase(Locale.ROOT) : template,
        p.getString("reasoning"), p.getString("loss"), p.getString("turns"), (int) maxLength,
        overflow, pack, (int) window, format, p.getBoolean("labels"), p.getBoolean("tools"),
        p.getBoolean("wrap_tools"));
    // Open once now so a bad tokenizer file or a loss mode the template cannot place fails before
    // any work; the step itself opens its own lazily where it runs.
    try (Tokenizer tokenizer = Tokenizers.open(config.tokenizer())) {
      config.open(tokenizer);
    } catch (RefineryException e) {
      throw new RefineryException(where + ": " + e.getMessage(), e);
    }
    return new TokenizeStep(config);
  }

  TokenizeConfig config() {
    return config;
  }

  /** The tokenizer, opened on first use in this JVM (tokenizers are thread-safe). */
  Opened opened() {
    Opened o = opened;
    if (o == null) {
      synchronized (this) {
        o = opened;
        if (o == null) {
          Tokenizer tok = Tokenizers.open(config.tokenizer());
          o = new Opened(tok, config.open(tok));
          opened = o;
        }
      }
    }
    return o;
  }

  @Override
  public String name() {
    return "tokenize";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  boolean passesFailures() {
    return passesFailures;
  }

  @Override
  public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
    SampleTokenizer st = opened().sampleTokenizer();
    return new Admitting(samples, s -> {
      TokenizedSample t;
      try {
        // A row without a uuid is named by its content's, as the tokenized output names it.
        t = st.tokenize(s.uuid() == null ? s.withUuid(ContentUuid.of(s)) : s);
      } catch (RefineryException e) {
        if (passesFailures) {
          return TokenAttachment.withError(s, e.getMessage());
        }
        context.drop(s, TEMPLATE_ERROR, e.getMessage());
        return null;
      }
      if (!passesFailures && t.length() > config.maxLength()
          && config.overflow() == LengthPolicy.DROP) {
        context.drop(s, OVER_MAX_LENGTH);
        return null;
      }
      return TokenAttachment.withTokens(s, t.inputIds(), t.lossMask());
    });
  }
}
