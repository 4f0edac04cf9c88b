package dev.refinery.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MegatronIndexedWriterTest {
  @TempDir Path dir;

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
  }

  @Test
  void tinyUint16DatasetIsByteExact() throws IOException {
    Path prefix = dir.resolve("tiny");
    try (MegatronIndexedWriter w = new MegatronIndexedWriter(prefix, 100)) {
      w.addDocument(new int[] {1, 2, 3});
      w.addDocument(new int[] {99});
      w.commit();
    }
    // uint16 little-endian: 1, 2, 3, 99
    assertThat(Files.readAllBytes(dir.resolve("tiny.bin")))
        .isEqualTo(hex("0100 0200 0300 6300"));
    assertThat(Files.readAllBytes(dir.resolve("tiny.idx"))).isEqualTo(hex("""
        4d4d494449445800 00             -- "MMIDIDX\\0\\0"
        0100000000000000                -- version 1
        08                              -- dtype uint16
        0200000000000000                -- 2 sequences
        0300000000000000                -- 3 document indices
        03000000 01000000               -- lengths 3, 1
        0000000000000000 0600000000000000 -- pointers 0, 6 bytes
        0000000000000000 0100000000000000 0200000000000000 -- document indices 0, 1, 2
        """.replaceAll("--[^\\n]*", "")));
  }

  @Test
  void tinyInt32DatasetIsByteExact() throws IOException {
    Path prefix = dir.resolve("big");
    try (MegatronIndexedWriter w = new MegatronIndexedWriter(prefix, 128_256)) {
      w.addSequence(new int[] {65_536, 7});
      w.addSequence(new int[] {128_000});
      w.endDocument();
      w.commit();
    }
    assertThat(Files.readAllBytes(dir.resolve("big.bin")))
        .isEqualTo(hex("00000100 07000000 00f40100"));
    assertThat(Files.readAllBytes(dir.resolve("big.idx"))).isEqualTo(hex("""
        4d4d49444944580000 0100000000000000 04
        0200000000000000 0200000000000000
        02000000 01000000
        0000000000000000 0800000000000000
        0000000000000000 0200000000000000
        """));
  }

  @Test
  void theDtypeSwitchesAt65500() throws IOException {
    try (MegatronIndexedWriter a = new MegatronIndexedWriter(dir.resolve("a"), 65_499);
        MegatronIndexedWriter b = new MegatronIndexedWriter(dir.resolve("b"), 65_500)) {
      assertThat(a.dtypeCode()).isEqualTo(8);
      assertThat(b.dtypeCode()).isEqualTo(4);
    }
  }

  @Test
  void roundTripsManyDocumentsInBothDtypes() throws IOException {
    for (int vocab : new int[] {32_000, 151_936}) {
      Random random = new Random(vocab);
      List<List<int[]>> documents = new ArrayList<>();
      Path prefix = dir.resolve("rt-" + vocab);
      try (MegatronIndexedWriter w = new MegatronIndexedWriter(prefix, vocab)) {
        for (int d = 0; d < 300; d++) {
          List<int[]> doc = new ArrayList<>();
          int sequences = d % 7 == 0 ? 1 + random.nextInt(3) : 1;
          for (int s = 0; s < sequences; s++) {
            int[] tokens = random.ints(random.nextInt(50), 0, vocab).toArray();
            if (d == 1) {
              tokens = new int[] {0, vocab - 1};
            }
            doc.add(tokens);
            w.addSequence(tokens);
          }
          w.endDocument();
          documents.add(doc);
        }
        w.commit();
      }
      Read read = Read.of(prefix);
      assertThat(read.dtypeCode).isEqualTo(vocab < 65_500 ? 8 : 4);
      assertThat(read.documents).hasSize(documents.size());
      for (int d = 0; d < documents.size(); d++) {
        assertThat(read.documents.get(d)).hasSize(documents.get(d).size());
        for (int s = 0; s < documents.get(d).size(); s++) {
          assertThat(read.documents.get(d).get(s)).isEqualTo(documents.get(d).get(s));
        }
      }
    }
  }

  @Test
  void nothingAppearsUnlessCommitted() throws IOException {
    Path prefix = dir.resolve("aborted");
    try (MegatronIndexedWriter w = new MegatronIndexedWriter(prefix, 10)) {
      w.addDocument(new int[] {1});
      assertThatThrownBy(() -> w.addDocument(new int[] {10}))
          .hasMessage("Token id 10 at position 0 is outside the vocabulary [0, 10).");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void anOpenDocumentCannotBeCommitted() throws IOException {
    try (MegatronIndexedWriter w = new MegatronIndexedWriter(dir.resolve("open"), 10)) {
      w.addSequence(new int[] {1});
      assertThatThrownBy(w::commit).hasMessageContaining("after the last endDocument()");
    }
  }

  @Test
  void anEmptyDatasetHasOnlyTheLeadingDocumentIndex() throws IOException {
    try (MegatronIndexedWriter w = new MegatronIndexedWriter(dir.resolve("empty"), 10)) {
      w.commit();
    }
    assertThat(Files.readAllBytes(dir.resolve("empty.bin"))).isEmpty();
    Read read = Read.of(dir.resolve("empty"));
    assertThat(read.documents).isEmpty();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("empty.bin", "empty.idx");
    }
  }

  /**
   * An independent reader, written from the format description (Megatron-LM's {@code
   * _IndexReader} and {@code IndexedDataset}), not from the writer: documents as lists of
   * sequences.
   */
  private static final class Read {
    int dtypeCode;
    List<List<int[]>> documents = new ArrayList<>();

    static Read of(Path prefix) throws IOException {
      ByteBuffer idx = ByteBuffer.wrap(Files.readAllBytes(Path.of(prefix + ".idx")))
          .order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer bin = ByteBuffer.wrap(Files.readAllBytes(Path.of(prefix + ".bin")))
          .order(ByteOrder.LITTLE_ENDIAN);
      byte[] magic = new byte[9];
      idx.get(magic);
      assertThat(magic).isEqualTo(new byte[] {'M', 'M', 'I', 'D', 'I', 'D', 'X', 0, 0});
      assertThat(idx.getLong()).as("version").isEqualTo(1L);
      Read r = new Read();
      r.dtypeCode = Byte.toUnsignedInt(idx.get());
      int itemSize = switch (r.dtypeCode) {
        case 1, 2 -> 1;
        case 3, 8 -> 2;
        case 4, 7 -> 4;
        case 5, 6 -> 8;
        default -> throw new AssertionError("dtype " + r.dtypeCode);
      };
      int sequenceCount = Math.toIntExact(idx.getLong());
      int documentCount = Math.toIntExact(idx.getLong());
      int[] lengths = new int[sequenceCount];
      long[] pointers = new long[sequenceCount];
      long[] documentIndices = new long[documentCount];
      for (int i = 0; i < sequenceCount; i++) {
        lengths[i] = idx.getInt();
      }
      for (int i = 0; i < sequenceCount; i++) {
        pointers[i] = idx.getLong();
      }
      for (int i = 0; i < documentCount; i++) {
        documentIndices[i] = idx.getLong();
      }
      assertThat(idx.hasRemaining()).as("trailing bytes in .idx").isFalse();
      assertThat(documentIndices[0]).isZero();
      assertThat(documentIndices[documentCount - 1]).isEqualTo(sequenceCount);
      long expectedBin = 0;
      for (int i = 0; i < sequenceCount; i++) {
        assertThat(pointers[i]).isEqualTo(expectedBin);
        expectedBin += (long) lengths[i] * itemSize;
      }
      assertThat(bin.capacity()).isEqualTo(expectedBin);
      List<int[]> sequences = new ArrayList<>();
      for (int i = 0; i < sequenceCount; i++) {
        int[] tokens = new int[lengths[i]];
        bin.position(Math.toIntExact(pointers[i]));
        for (int t = 0; t < tokens.length; t++) {
          tokens[t] = switch (r.dtypeCode) {
            case 8 -> Short.toUnsignedInt(bin.getShort());
            case 4 -> bin.getInt();
            default -> throw new AssertionError("token dtype " + r.dtypeCode);
          };
        }
        sequences.add(tokens);
      }
      for (int d = 0; d + 1 < documentCount; d++) {
        r.documents.add(sequences.subList(
            (int) documentIndices[d], (int) documentIndices[d + 1]));
      }
      return r;
    }
  }
}
