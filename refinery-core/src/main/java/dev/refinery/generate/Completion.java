package dev.refinery.generate;

/** A parsed response and how many requests it took (1 when the first one succeeded). */
public record Completion(ChatResponse response, int attempts) {}
