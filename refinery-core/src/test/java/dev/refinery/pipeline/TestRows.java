package dev.refinery.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows for tests that write their own small datasets. */
final class TestRows {
  private TestRows() {}

  /** A Nemotron-layout row: one user question and one assistant answer. */
  static Map<String, Object> qa(String uuid, String question, String answer) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("uuid", uuid);
    row.put("messages", List.of(Map.of("role", "user", "content", question),
        Map.of("role", "assistant", "content", answer)));
    return row;
  }
}
