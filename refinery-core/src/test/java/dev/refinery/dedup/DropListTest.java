package dev.refinery.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropListTest {
  @TempDir Path dir;

  @Test
  void cursorsOpenedMidwayAnswerInOrderQueries() {
    DropList list;
    try (DropList.Writer w = new DropList.Writer(dir.resolve("d.bin"), "exact_duplicate")) {
      for (long i = 10; i < 100_000; i += 10) {
        w.add(i, i - 10);
      }
      list = w.commit();
    }
    assertThat(list.size()).isEqualTo(9_999);
    assertThat(list.reason()).isEqualTo("exact_duplicate");
    try (DropList.Cursor c = list.cursor(50_001)) {
      assertThat(c.isDropped(50_001)).isFalse();
      assertThat(c.keptFor(50_010)).isEqualTo(50_000);
      assertThat(c.isDropped(50_011)).isFalse();
      assertThat(c.keptFor(99_990)).isEqualTo(99_980);
      assertThat(c.isDropped(200_000)).isFalse();
      assertThatThrownBy(() -> c.keptFor(5)).isInstanceOf(IllegalStateException.class);
    }
    try (DropList.Cursor c = list.cursor(0)) {
      assertThat(c.isDropped(0)).isFalse();
      assertThat(c.keptFor(10)).isEqualTo(0);
    }
  }

  @Test
  void writerRejectsOutOfOrderDrops() {
    try (DropList.Writer w = new DropList.Writer(dir.resolve("d.bin"), "x")) {
      w.add(5, 1);
      assertThatThrownBy(() -> w.add(5, 2)).isInstanceOf(IllegalStateException.class);
    }
  }
}
