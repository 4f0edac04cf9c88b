package dev.refinery.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowIdsTest {
  @TempDir Path dir;

  @Test
  void eachOrdinalReadsBackItsUuidAcrossPartitions() {
    RowIds.Writer first = new RowIds.Writer(dir, "t", 0);
    first.add(0, "a");
    first.add(1, null);
    first.add(2, "ü-é");
    RowIds.Writer second = new RowIds.Writer(dir, "t", 1);
    second.add(3, "d");
    List<RowIds.Part> parts = List.of(first.finish(), second.finish());

    assertThat(RowIds.uuid(parts, 0)).isEqualTo("a");
    assertThat(RowIds.uuid(parts, 1)).isNull();
    assertThat(RowIds.uuid(parts, 2)).isEqualTo("ü-é");
    assertThat(RowIds.uuid(parts, 3)).isEqualTo("d");
    assertThatThrownBy(() -> RowIds.uuid(parts, 4)).hasMessageContaining("ordinal 4");
  }

  @Test
  void ordinalsWithAGapAreRefused() {
    RowIds.Writer writer = new RowIds.Writer(dir, "t", 0);
    writer.add(5, "a");

    assertThatThrownBy(() -> writer.add(7, "b")).hasMessageContaining("consecutive");
  }
}
