package dev.refinery.tokenize;

import java.io.IOException;
import java.nio.file.Path;

/** One Megatron document per sample or packed sequence (token ids only; no loss mask). */
final class MegatronTokenizedWriter implements TokenizedWriter {
  private final MegatronIndexedWriter writer;

  MegatronTokenizedWriter(Path prefix, int vocabSize) throws IOException {
    this.writer = new MegatronIndexedWriter(prefix, vocabSize);
  }

  @Override
  public void write(TokenizedSample s) throws IOException {
    writer.addDocument(s.inputIds());
  }

  @Override
  public void write(PackedSequence s) throws IOException {
    writer.addDocument(s.inputIds());
  }

  @Override
  public void commit() throws IOException {
    writer.commit();
  }

  @Override
  public void close() {
    writer.close();
  }
}
