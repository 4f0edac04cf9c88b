package dev.refinery.tokenize;

import dev.refinery.RefineryException;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a sample with a chat template and tokenizes it, with a loss mask.
 *
 * <p>With {@link Loss#ASSISTANT} the template's {@linkplain ChatTemplate#segments segments} are
 * grouped into runs of equal mask and each run is encoded on its own, then the ids are
 * concatenated. For llama3, chatml and qwen3 every run boundary sits next to a special token
 * ({@code <|end_header_id|>\n\n} | reply, {@code <|im_start|>assistant\n} | reply, reply {@code
 * <|eot_id|>} | {@code <|start_header_id|>}), where the tokenizer splits anyway, so the ids equal
 * those of the whole rendered text (tested on the real Llama 3 and Qwen3 tokenizers). One case
 * can differ: a reply that starts with whitespace may merge with the header's newline in the
 * whole text; such samples are checked against the whole-text encoding and rejected, never
 * written with shifted masks. The mistral and alpaca templates have no special token between
 * prompt and reply, so an assistant-only mask is refused for them (use {@link Loss#ALL}).
 *
 * <p>Thread-safe when the tokenizer is.
 */
public final class SampleTokenizer {
  /** Templates whose mask boundaries sit at special tokens. */
  private static final Set<String> EXACT_BOUNDARIES = Set.of("llama3", "chatml", "qwen3");

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
    if (this.loss == Loss.ASSISTANT && !EXACT_BOUNDARIES.contains(template.name())) {
      throw new RefineryException("assistant-only loss masks are not supported with the "
          + template.name() + " template (no special token separates prompt and reply); use "
          + "--loss all, or one of " + String.join(", ", EXACT_BOUNDARIES.stream().sorted()
              .toList()));
    }
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
    // Runs of equal mask: (text, trained).
    List<StringBuilder> texts = new ArrayList<>();
    List<Boolean> trained = new ArrayList<>();
    for (Segment s : segments) {
      boolean t = s.isAssistantReply()
          && (turns == TrainedTurns.ALL || s.messageIndex() == lastAssistant);
      if (trained.isEmpty() || trained.get(trained.size() - 1) != t) {
        texts.add(new StringBuilder());
        trained.add(t);
      }
      texts.get(texts.size() - 1).append(s.text());
    }
    IntBuffer ids = new IntBuffer();
    ByteBuffer mask = new ByteBuffer();
    boolean check = false;
    for (int r = 0; r < texts.size(); r++) {
      String text = texts.get(r).toString();
      if (r > 0 && Character.isWhitespace(text.charAt(0))) {
        check = true;
      }
      int[] part = tokenizer.encode(text);
      ids.add(part);
      mask.add(part.length, trained.get(r) ? (byte) 1 : (byte) 0);
    }
    int[] all = ids.toArray();
    if (check) {
      int[] whole = tokenizer.encode(Segment.join(segments));
      if (!java.util.Arrays.equals(whole, all)) {
        throw new RefineryException("sample " + sample.uuid() + ": an assistant turn starts with "
            + "whitespace that the tokenizer merges with the header; the loss mask cannot be "
            + "placed exactly (use --loss all)");
      }
    }
    return new TokenizedSample(sample.uuid(), all, mask.toArray(), sample.category(),
        split);
  }

  private static final class IntBuffer {
    private int[] a = new int[256];
    private int n;

    void add(int[] v) {
      if (n + v.length > a.length) {
        a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
      }
      System.arraycopy(v, 0, a, n, v.length);
      n += v.length;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  private static final class ByteBuffer {
    private byte[] a = new byte[256];
    private int n;

    void add(int count, byte value) {
      if (n + count > a.length) {
        a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + count));
      }
      java.util.Arrays.fill(a, n, n + count, value);
      n += count;
    }

    byte[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
