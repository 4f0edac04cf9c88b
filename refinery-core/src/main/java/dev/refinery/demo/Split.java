package dev.refinery.demo;

/** The five splits of Nemotron Post-Training Dataset v1, with their row counts on the card. */
enum Split {
  STEM("stem", "stem", 20_662_167L),
  MATH("math", "math", 2_044_407L),
  CODE("code", "code", 1_896_395L),
  CHAT("chat", "chat", 746_622L),
  // The card names this split's files tool-*, while its rows say category "tool_calling".
  TOOL_CALLING("tool_calling", "tool", 310_051L);

  static final long CARD_TOTAL = 25_659_642L;

  private final String category;
  private final String filePrefix;
  private final long cardRows;

  Split(String category, String filePrefix, long cardRows) {
    this.category = category;
    this.filePrefix = filePrefix;
    this.cardRows = cardRows;
  }

  String category() {
    return category;
  }

  String filePrefix() {
    return filePrefix;
  }

  long cardRows() {
    return cardRows;
  }
}
