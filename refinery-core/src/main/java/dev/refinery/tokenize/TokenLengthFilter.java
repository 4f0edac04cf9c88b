package dev.refinery.tokenize;

import dev.refinery.RefineryException;
import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.Param;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import dev.refinery.pipeline.Target;
import dev.refinery.sample.Sample;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import java.util.List;

/**
 * {@code token_length}: the number of tokens of a sample within limits, counted with a real
 * tokenizer. With a {@code template} it counts the whole rendered conversation (what training
 * sees, special tokens included); without one, the {@code target} text alone. The score is the
 * count ({@code tokens}); a sample the template cannot render scores {@code unrenderable} and is
 * dropped as {@code template_error}; a sample without the target text is kept (nothing to judge).
 * The tokenizer is opened lazily where the filter runs, so the filter stays serializable.
 */
public final class TokenLengthFilter implements Filter<Sample> {
  private static final long serialVersionUID = 1L;

  public static final FilterType TYPE = new FilterType("token_length",
      "tokens of the rendered conversation (with template) or of the target text, within limits",
      FilterType.Input.SAMPLE, List.of(
          Param.of("tokenizer", Param.Type.PATH, null, "a tokenizer.json or a folder holding "
              + "one (relative to the pipeline file), or cl100k_base / o200k_base"),
          Param.of("template", Param.Type.PATH, "", "chat template to count the rendered "
              + "conversation with (" + String.join(", ", Templates.NAMES) + ", or a "
              + "tokenizer_config.json / folder / .jinja file); empty: count "
              + "the target text"),
          Param.choice("target", "answer", "the text counted without a template", "prompt", "answer", "reasoning", "conversation", "url"),
          Param.of("min_tokens", Param.Type.INT, 0L, "fewest tokens (0: no limit)").atLeast(0),
          Param.of("max_tokens", Param.Type.INT, 0L, "most tokens (0: no limit)").atLeast(0)),
      p -> new TokenLengthFilter(p.getString("tokenizer"), p.getString("template"),
          Target.of(p.getString("target")), p.getInt("min_tokens"), p.getInt("max_tokens")));

  private final String tokenizer;
  private final String template;
  private final Target target;
  private final long minTokens;
  private final long maxTokens;
  private transient volatile Tokenizer opened;
  private transient volatile SampleTokenizer renderer;

  public TokenLengthFilter(String tokenizer, String template, Target target, long minTokens,
      long maxTokens) {
    this.tokenizer = tokenizer;
    this.template = template == null || template.isBlank() ? null : template.strip();
    this.target = target;
    this.minTokens = minTokens;
    this.maxTokens = maxTokens;
    if (this.template != null) {
      Templates.resolve(this.template); // fails now, in one line, for a bad name or file
    }
  }

  @Override
  public String name() {
    return "token_length";
  }

  private Tokenizer tokenizer() {
    Tokenizer t = opened;
    if (t == null) {
      synchronized (this) {
        t = opened;
        if (t == null) {
          t = Tokenizers.open(tokenizer);
          opened = t;
        }
      }
    }
    return t;
  }

  private SampleTokenizer renderer() {
    SampleTokenizer r = renderer;
    if (r == null) {
      synchronized (this) {
        r = renderer;
        if (r == null) {
          // Loss ALL: the count of the whole rendered text; masks do not matter here.
          r = new SampleTokenizer(tokenizer(), Templates.resolve(template), RenderOptions.DEFAULT,
              SampleTokenizer.Loss.ALL, SampleTokenizer.TrainedTurns.ALL);
          renderer = r;
        }
      }
    }
    return r;
  }

  /** The token count, {@code unrenderable} when the template fails, or null without text. */
  @Override
  public Scores score(Sample sample) {
    if (template != null) {
      try {
        return Scores.of("tokens", renderer().tokenize(sample).length());
      } catch (RefineryException e) {
        return Scores.of("unrenderable", 1);
      }
    }
    String text = target.text(sample);
    return text == null ? null : Scores.of("tokens", tokenizer().encode(text).length);
  }

  @Override
  public Verdict decide(Scores s) {
    if (s.has("unrenderable")) {
      return Verdict.drop("template_error");
    }
    double tokens = s.get("tokens");
    if (minTokens > 0 && tokens < minTokens) {
      return Verdict.drop("too_few_tokens");
    }
    if (maxTokens > 0 && tokens > maxTokens) {
      return Verdict.drop("too_many_tokens");
    }
    return Verdict.KEEP;
  }
}
