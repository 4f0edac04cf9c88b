package dev.refinery.tokenize;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes tokenized samples or packed sequences to one output, atomically: nothing appears under
 * the final name(s) until {@link #commit}; {@link #close} without a commit (after an error)
 * removes the temporary files. Each sample is written as a sequence of one document, so the
 * columns are the same packed or not.
 *
 * <p>Fields, in JSON Lines and Parquet alike: {@code input_ids}; {@code loss_mask} (1 where the
 * loss is computed, 0 elsewhere) or, with labels, {@code labels} (the token id where trained, -100
 * elsewhere, unshifted: the trainer shifts labels by one as Hugging Face causal LMs and Megatron
 * do); for packed sequences {@code position_ids} and {@code cu_seqlens}. Megatron indexed
 * datasets hold the ids only.
 */
public interface TokenizedWriter extends Closeable {
  /** The label of a token the loss is not computed on (PyTorch's cross-entropy ignore index). */
  int IGNORE_INDEX = -100;

  void write(TokenizedSample sample) throws IOException;

  void write(PackedSequence sequence) throws IOException;

  /** Finishes the output and moves it into place. */
  void commit() throws IOException;

  /**
   * Opens a writer for {@code out} in {@code format}.
   *
   * @param vocabSize the tokenizer's vocabulary size (Megatron picks its token width from it)
   * @param labels write {@code labels} instead of {@code loss_mask} (JSON Lines and Parquet)
   */
  static TokenizedWriter open(TokenizedFormat format, Path out, int vocabSize, boolean labels)
      throws IOException {
    format.checkTarget(out);
    return switch (format) {
      case JSONL -> new JsonlTokenizedWriter(out, labels);
      case PARQUET -> new ParquetTokenizedWriter(out, labels);
      case MEGATRON -> new MegatronTokenizedWriter(out, vocabSize);
    };
  }

  /** Labels for a loss mask: the id where the mask is 1, {@link #IGNORE_INDEX} elsewhere. */
  static int[] labels(int[] ids, byte[] mask) {
    int[] labels = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      labels[i] = mask[i] == 1 ? ids[i] : IGNORE_INDEX;
    }
    return labels;
  }
}
