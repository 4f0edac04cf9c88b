package dev.refinery.demo;

import dev.refinery.sample.Message;
import java.util.List;

/**
 * A row before its reasoning mode is applied: the turns up to the final answer, the answer itself,
 * what a trace would be about, and the metadata JSON string.
 *
 * @param turns every message before the final assistant turn, system prompt included
 */
record Draft(List<Message> turns, String answer, String subject, String metadata) {}
