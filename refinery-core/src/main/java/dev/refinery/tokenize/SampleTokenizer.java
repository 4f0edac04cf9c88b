package dev.refinery.tokenize;

import dev.refinery.RefineryException;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Segment;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Renders a sample with a chat template and tokenizes it, with a loss mask.
 *
 * <p>The ids are always those of the whole rendered text, encoded once: exactly what the model
 * sees at inference from the same template and tokenizer. The mask comes from the template's
 * {@linkplain ChatTemplate#segments segments}: the characters of trained segments (assistant
 * content and end-of-turn) form ranges of the text, and a token is trained when the span of text
 * it was made from overlaps one of them ({@link Tokenizer#encodeWithOffsets}). A token that
 * straddles a prompt/reply boundary (a merge of the header's last character with the reply's
 * first, possible only where no special token separates them, as in mistral or alpaca) is
 * therefore trained: the model has to produce it to start the reply.
 *
 * <p>Thread-safe when the tokenizer is.
 */
public final class SampleTokenizer {
  /** Which tokens the loss is computed on. */
  public enum Loss {
    /** The content and end-of-turn token of assistant turns (not their headers). */
    ASSISTANT,
    /** Every token. */
    ALL;

    public static Loss parse(String text) {
      return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
        case "assistant" -> ASSISTANT;
        case "all" -> ALL;
        default -> throw new RefineryException("unknown loss mode '" + text
            + "'; use assistant or all");
      };
    }
  }

  /** In multi-turn samples, which assistant turns are trained (with {@link Loss#ASSISTANT}). */
  public enum TrainedTurns {
    /** Every assistant turn. */
    ALL,
    /** Only the last assistant turn. */
    LAST;

    public static TrainedTurns parse(String text) {
      return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
        case "all", "all_turns", "all-turns" -> ALL;
        case "last" -> LAST;
        default -> throw new RefineryException("unknown turns mode '" + text
            + "'; use all or last");
      };
    }
  }

  private final Tokenizer tokenizer;
  private final ChatTemplate template;
  private final RenderOptions options;
  private final Loss loss;
  private final TrainedTurns turns;

  public SampleTokenizer(Tokenizer tokenizer, ChatTemplate template, RenderOptions options,
      Loss loss, TrainedTurns turns) {
    this.tokenizer = tokenizer;
    this.template = template;
    this.options = options == null ? RenderOptions.DEFAULT : options;
    this.loss = loss == null ? Loss.ASSISTANT : loss;
    this.turns = turns == null ? TrainedTurns.ALL : turns;
  }

  /**
   * The sample's ids and mask. Throws a one-line {@link RefineryException} naming the uuid when
   * the template cannot render it.
   */
  public TokenizedSample tokenize(Sample sample) {
    return tokenize(sample, null);
  }

  /** The same, recording {@code split} (the split the sample was read from, or null). */
  public TokenizedSample tokenize(Sample sample, String split) {
    List<Segment> segments = template.segments(sample, options);
    if (loss == Loss.ALL) {
      int[] ids = tokenizer.encode(Segment.join(segments));
      TokenizedSample all = TokenizedSample.allTrained(sample.uuid(), ids);
      return new TokenizedSample(sample.uuid(), ids, all.lossMask(), sample.category(),
          split);
    }
    int lastAssistant = -1;
    for (Segment s : segments) {
      if (s.isAssistantReply()) {
        lastAssistant = Math.max(lastAssistant, s.messageIndex());
      }
    }
    // Trained character ranges [start, end), merged where adjacent.
    int[] ranges = new int[8];
    int count = 0;
    int at = 0;
    for (Segment s : segments) {
      int end = at + s.text().length();
      if (s.isAssistantReply()
          && (turns == TrainedTurns.ALL || s.messageIndex() == lastAssistant)) {
        if (count > 0 && ranges[count - 1] == at) {
          ranges[count - 1] = end;
        } else {
          if (count + 2 > ranges.length) {
            ranges = Arrays.copyOf(ranges, ranges.length * 2);
          }
          ranges[count++] = at;
          ranges[count++] = end;
        }
      }
      at = end;
    }
    TokenOffsets encoded = tokenizer.encodeWithOffsets(Segment.join(segments));
    byte[] mask = new byte[encoded.length()];
    int r = 0;
    for (int t = 0; t < mask.length; t++) {
      int start = encoded.starts()[t];
      int end = Math.max(encoded.ends()[t], start + 1); // a token of no text counts at its start
      while (r < count && ranges[r + 1] <= start) {
        r += 2;
      }
      // Spans never go backwards, so the first range not ending at or before this token's start
      // is the only one it can overlap.
      mask[t] = r < count && ranges[r] < end ? (byte) 1 : (byte) 0;
    }
    return new TokenizedSample(sample.uuid(), encoded.ids(), mask, sample.category(), split);
  }
}
