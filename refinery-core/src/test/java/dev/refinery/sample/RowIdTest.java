package dev.refinery.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowIdTest {

  @Test
  void idsOrderAsTheInputDoesParentsBeforeWhatIsDerivedFromThem() {
    RowId a = RowId.of(0, 5);
    RowId aFirst = a.derive(0);
    RowId aSecond = a.derive(1);
    RowId aFirstCopy = aFirst.derive(0);
    RowId b = RowId.of(0, 6);
    RowId nextFile = RowId.of(1, 0);
    List<RowId> expected = List.of(a, aFirst, aFirstCopy, aSecond, b, nextFile);
    List<RowId> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(7));
    Collections.sort(shuffled);
    assertThat(shuffled).containsExactlyElementsOf(expected);
  }

  @Test
  void theLargestComponentStillSortsAfterItsSmallerSiblings() {
    RowId a = RowId.of(3, 1);
    assertThat(a.derive(RowId.MAX_COMPONENT)).isGreaterThan(a.derive(RowId.MAX_COMPONENT - 1));
    assertThat(a.derive(RowId.MAX_COMPONENT)).isLessThan(RowId.of(3, 2));
  }

  @Test
  void textRoundTripsAndNamesFilePositionAndPath() {
    RowId id = RowId.of(12, 345).derive(2).derive(0);
    assertThat(id.toString()).isEqualTo("12:345/2/0");
    assertThat(RowId.parse(id.toString())).isEqualTo(id);
    assertThat(id.file()).isEqualTo(12);
    assertThat(id.position()).isEqualTo(345);
    assertThat(id.depth()).isEqualTo(2);
  }

  @Test
  void refusesWhatItCannotHold() {
    RowId deep = RowId.of(0, 0).derive(0).derive(0).derive(0).derive(0);
    assertThatThrownBy(() -> deep.derive(0)).hasMessageContaining("already derived 4 times");
    assertThatThrownBy(() -> RowId.of(RowId.MAX_FILES, 0)).hasMessageContaining("input file");
    assertThatThrownBy(() -> RowId.of(0, -1)).hasMessageContaining("record position");
    assertThatThrownBy(() -> RowId.parse("x")).hasMessageContaining("not a row id");
  }

  @Test
  void samplesAreEqualByContentWhateverTheirIds() {
    Sample s = Sample.builder().uuid("u").category("math").build();
    assertThat(s.withId(RowId.of(1, 2))).isEqualTo(s.withId(RowId.of(3, 4)));
    assertThat(s.withId(RowId.of(1, 2)).toBuilder().category("code").build().id())
        .isEqualTo(RowId.of(1, 2));
  }
}
