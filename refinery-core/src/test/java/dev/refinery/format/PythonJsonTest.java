package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonJsonTest {

  @ParameterizedTest
  @CsvSource({"0.5, 0.5", "1.0, 1.0", "100.0, 100.0", "1e-05, 1e-05", "0.0001, 0.0001",
      "1e16, 1e+16", "1234567890123456.0, 1234567890123456.0", "-2.5e-07, -2.5e-07",
      "9.0, 9.0", "0.1, 0.1"})
  void floatsAreWrittenAsPythonReprWritesThem(double value, String python) {
    assertThat(PythonJson.pythonFloat(value)).isEqualTo(python);
  }

  @Test
  void separatorsAndUnicodeAsJsonDumpsWithEnsureAsciiFalse() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("name", "苹果 \"x\"\n");
    value.put("n", List.of(1L, 2.5, true, Map.of()));
    value.put("none", null);
    assertThat(PythonJson.dumps(value))
        .isEqualTo("{\"name\": \"苹果 \\\"x\\\"\\n\", \"n\": [1, 2.5, true, {}], \"none\": null}");
  }
}
