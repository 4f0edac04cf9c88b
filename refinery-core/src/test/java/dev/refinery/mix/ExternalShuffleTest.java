package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalShuffleTest {
  @TempDir
  Path dir;

  private List<String> shuffle(int n, long seed, long memory, Path folder) {
    try (ExternalShuffle s = new ExternalShuffle(folder, seed, memory)) {
      for (int i = 0; i < n; i++) {
        s.add(("row " + i).getBytes(StandardCharsets.UTF_8));
      }
      List<String> out = new ArrayList<>();
      Iterator<byte[]> it = s.shuffled();
      it.forEachRemaining(b -> out.add(new String(b, StandardCharsets.UTF_8)));
      if (memory < 1000) {
        assertThat(s.runs()).isGreaterThan(10);
      }
      return out;
    }
  }

  @Test
  void spillingDoesNotChangeTheOrderAndEveryRecordComesOutOnce() throws Exception {
    List<String> inMemory = shuffle(20_000, 5, Long.MAX_VALUE, dir.resolve("a"));
    List<String> spilled = shuffle(20_000, 5, 500, dir.resolve("b"));
    assertThat(spilled).isEqualTo(inMemory);
    assertThat(inMemory).hasSize(20_000).doesNotHaveDuplicates();
    assertThat(inMemory).isNotEqualTo(inMemory.stream().sorted().toList());
    try (var files = Files.list(dir.resolve("b"))) {
      assertThat(files).isEmpty(); // run files deleted on close
    }
  }

  @Test
  void seedsGiveDifferentOrdersAndPositionsAreUniform() {
    assertThat(shuffle(1000, 1, 1 << 20, dir)).isNotEqualTo(shuffle(1000, 2, 1 << 20, dir));
    // Where does row 0 land over many seeds? Each tenth of the output about equally often.
    int[] tenths = new int[10];
    for (long seed = 0; seed < 2000; seed++) {
      int at = shuffle(100, seed, 1 << 20, dir).indexOf("row 0");
      tenths[at / 10]++;
    }
    for (int t : tenths) {
      assertThat(t).isBetween(140, 260);
    }
  }
}
