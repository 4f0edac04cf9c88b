package dev.refinery.template;

import dev.refinery.sample.Sample;

/**
 * Renders a sample's conversation to the text a model is trained on. A sample the template cannot
 * express fails with a one-line {@link dev.refinery.RefineryException} naming its uuid.
 */
public interface ChatTemplate {
  /** The template's name, as given to {@link Templates#builtIn(String)}. */
  String name();

  String render(Sample sample, RenderOptions options);
}
