package dev.refinery.template;

import dev.refinery.sample.Sample;

/**
 * Renders a sample's conversation to the text a model is trained on. A sample the template cannot
 * express fails with a one-line {@link dev.refinery.RefineryException} naming its uuid.
 */
public interface ChatTemplate {
  /** The template's name, as given to {@link Templates#builtIn(String)}. */
  String name();

  /** The rendered text: the segments' texts one after the other. */
  default String render(Sample sample, RenderOptions options) {
    return Segment.join(segments(sample, options));
  }

  /**
   * The rendered text as ordered segments, each naming the message it comes from; their texts
   * concatenated are exactly {@link #render}'s text.
   */
  java.util.List<Segment> segments(Sample sample, RenderOptions options);
}
