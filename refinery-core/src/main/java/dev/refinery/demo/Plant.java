package dev.refinery.demo;

/**
 * A deliberate flaw (or documented oddity) that {@link SampleData} plants in a few rows so that a
 * later {@code validate} run has something to find. Each planted row carries exactly one plant;
 * the generator picks the row's reasoning mode so that one plant trips as few other rules as it
 * can.
 */
public enum Plant {
  ROLES_OUT_OF_ORDER(null, true, "the first user turn and the assistant turn after it are swapped"),
  NO_ASSISTANT_TURN(null, true, "only the system prompt and first user turn kept; reasoning off"),
  UNTERMINATED_THINK(null, true,
      "reasoning on, the closing </think> is missing; never in math or code"),
  EMPTY_THINK(null, true, "reasoning on, the think block holds only whitespace"),
  REASONING_ON_WITHOUT_TRACE(null, true, "reasoning \"on\" but the answer has no think block"),
  REASONING_OFF_WITH_TRACE(null, true, "reasoning \"off\" but the answer has a think block"),
  METADATA_NOT_JSON(null, true,
      "metadata cut short by one character, so it is not valid JSON; never in tool_calling"),
  SELF_IDENTIFICATION(null, true, "the answer says \"I am Qwen, created by Alibaba Cloud.\""),
  EMPTY_ASSISTANT_TURN(null, true,
      "the final assistant turn is \"\"; reasoning off; never in math or code"),
  /** Kept last of the generic plants: row 0 of a split has no earlier uuid to reuse. */
  DUPLICATE_UUID(null, true, "reuses the uuid of an earlier row of the same split"),
  MATH_WITHOUT_BOXED(Split.MATH, true, "math answer without \\boxed{}"),
  CODE_WITHOUT_FENCE(Split.CODE, true, "code answer without a fenced code block"),
  TOOL_ARGUMENTS_NOT_JSON(Split.TOOL_CALLING, true,
      "first tool call's arguments cut short, so they are not valid JSON"),
  UNKNOWN_TOOL(Split.TOOL_CALLING, true, "first tool call names a function not in metadata.tools"),
  EMPTY_USER_PLACEHOLDER(Split.CHAT, false,
      "first user turn is \"\" (the card's placeholder for an external prompt; not a defect)"),
  DASH_USER_PLACEHOLDER(Split.CODE, false,
      "user turn is \"-\" (the card's placeholder for an external prompt; not a defect)");

  private final Split split;
  private final boolean defect;
  private final String description;

  Plant(Split split, boolean defect, String description) {
    this.split = split;
    this.defect = defect;
    this.description = description;
  }

  /** Snake-case name used in planted.json and the README. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * False for the external-prompt placeholders: the card documents them, so validate should not
   * flag them.
   */
  public boolean isDefect() {
    return defect;
  }

  /** The only split this plant appears in, or null when any split can carry it. */
  public String split() {
    return split == null ? null : split.category();
  }

  Split splitOrNull() {
    return split;
  }

  public String description() {
    return description;
  }
}
