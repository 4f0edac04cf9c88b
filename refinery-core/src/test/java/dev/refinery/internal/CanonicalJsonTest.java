package dev.refinery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  @Test
  void keysAreSortedAtEveryDepthWhateverTheMapsOrder() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("z", 1);
    inner.put("a", List.of(Map.of("y", 2L, "b", 3L)));
    Map<String, Object> outer = new LinkedHashMap<>();
    outer.put("steps", inner);
    outer.put("input", "x");
    Map<String, Object> reversed = new TreeMap<>(java.util.Comparator.reverseOrder());
    reversed.putAll(outer);

    String expected = "{\"input\":\"x\",\"steps\":{\"a\":[{\"b\":3,\"y\":2}],\"z\":1}}";
    assertThat(Json.writeCanonical(outer)).isEqualTo(expected);
    assertThat(Json.writeCanonical(reversed)).isEqualTo(expected);
  }

  @Test
  void numbersHaveOneFormPerValueAndKind() {
    assertThat(Json.writeCanonical(List.of(1, 1L, (short) 1, BigInteger.ONE)))
        .isEqualTo("[1,1,1,1]");
    assertThat(Json.writeCanonical(List.of(new BigDecimal("1.50"), new BigDecimal("2.000"),
        new BigDecimal("1E+2")))).isEqualTo("[1.5,2,100]");
    assertThat(Json.writeCanonical(List.of(0.1, -0.0, 0.0, 1e-7, 0.8f)))
        .isEqualTo("[0.1,0.0,0.0,1.0E-7,0.8]");
  }

  @Test
  void setsAreSortedArrays() {
    assertThat(Json.writeCanonical(new LinkedHashSet<>(List.of("b", "c", "a"))))
        .isEqualTo("[\"a\",\"b\",\"c\"]");
    // By each item's canonical text: maps with their keys sorted, a null as "null".
    assertThat(Json.writeCanonical(new LinkedHashSet<>(Arrays.asList(
        new LinkedHashMap<>(Map.of("k", 2, "a", 1)), Map.of("k", 10), null, "x"))))
        .isEqualTo("[\"x\",null,{\"a\":1,\"k\":2},{\"k\":10}]");
  }
}
