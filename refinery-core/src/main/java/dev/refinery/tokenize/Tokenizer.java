package dev.refinery.tokenize;

import java.io.Serializable;

/**
 * Text to token ids and back. Instances are thread-safe and serializable: they keep only what they
 * need to re-open themselves (a path or an encoding name); the native or in-memory state is
 * transient and opened lazily, so a tokenizer can ship to another JVM (a Spark executor) and work
 * there. Never truncates and never pads.
 *
 * <p>Open one with {@link Tokenizers#open(String)}.
 */
public interface Tokenizer extends Serializable, AutoCloseable {

  /** What this tokenizer was opened from: the tokenizer.json path or the encoding name. */
  String name();

  /**
   * The ids of {@code text} without added special tokens (no BOS/EOS). Special tokens written in
   * the text itself (e.g. {@code <|eot_id|>} in a rendered chat template) still map to their ids.
   */
  default int[] encode(String text) {
    return encode(text, false);
  }

  /** The ids of {@code text}; with {@code addSpecialTokens} the tokenizer's post-processor adds
   * its special tokens (Llama 3's {@code <|begin_of_text|>}, for example). */
  int[] encode(String text, boolean addSpecialTokens);

  /**
   * The ids of {@code text} without added special tokens, each with the span of the text it covers:
   * what places a loss mask on exactly the tokens of a reply. The ids equal {@link #encode(String)}'s.
   */
  TokenOffsets encodeWithOffsets(String text);

  /** The text of {@code ids}, special tokens included. */
  String decode(int[] ids);

  /** One more than the largest id this tokenizer can produce (special tokens included). */
  int vocabSize();

  /** The id of a single token, e.g. a special token such as {@code <|eot_id|>}; null if unknown. */
  Integer tokenId(String token);

  /**
   * Releases the native state; the tokenizer re-opens itself if used again. Call it only when no
   * other thread is encoding or decoding with this instance.
   */
  @Override
  void close();
}
