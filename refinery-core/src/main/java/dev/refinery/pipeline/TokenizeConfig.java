package dev.refinery.pipeline;

import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import dev.refinery.tokenize.LengthLimit;
import dev.refinery.tokenize.LengthPolicy;
import dev.refinery.tokenize.SampleTokenizer;
import dev.refinery.tokenize.TokenizedFormat;
import dev.refinery.tokenize.Tokenizer;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a tokenize run does, as checked values: shared by the pipeline's {@code tokenize} step and
 * {@code refinery tokenize}, whose step renders and tokenizes and whose sink applies the length
 * policy, packs and writes.
 *
 * @param tokenizer a tokenizer.json, a folder holding one, or an encoding name
 * @param template a built-in template name, or a tokenizer_config.json / folder / .jinja file
 * @param packWindow documents packed together (see {@link dev.refinery.tokenize.Packer})
 */
public record TokenizeConfig(String tokenizer, String template, String reasoning, String loss,
                             String turns, int maxLength, LengthPolicy overflow, boolean pack,
                             int packWindow, TokenizedFormat format, boolean labels,
                             boolean tools, boolean wrapTools) implements Serializable {

  public TokenizeConfig {
    Objects.requireNonNull(overflow, "overflow");
    Objects.requireNonNull(format, "format");
    new LengthLimit(overflow, maxLength); // checks the length
    if (packWindow < 1) {
      throw new IllegalArgumentException("pack window must be at least 1, was " + packWindow);
    }
  }

  SampleTokenizer open(Tokenizer tok) {
    return new SampleTokenizer(tok, Templates.resolve(template),
        new RenderOptions(false, RenderOptions.Reasoning.parse(reasoning), tools, wrapTools),
        SampleTokenizer.Loss.parse(loss), SampleTokenizer.TrainedTurns.parse(turns));
  }

  public LengthLimit limit() {
    return new LengthLimit(overflow, maxLength);
  }

  /** As the pipeline's token statistics record them. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tokenizer", tokenizer);
    m.put("template", template);
    m.put("max_length", maxLength);
    m.put("overflow", overflow.toString());
    m.put("pack", pack);
    m.put("loss", loss);
    m.put("turns", turns);
    m.put("reasoning", reasoning);
    m.put("format", format.toString());
    m.put("labels", labels);
    m.put("tools", tools);
    m.put("wrap_tools", wrapTools);
    return m;
  }
}
