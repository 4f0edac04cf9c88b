/**
 * Synthetic generation through an OpenAI-compatible {@code /v1/chat/completions} server (vLLM,
 * SGLang, NIM, TGI, hosted APIs): the request and response model ({@link
 * dev.refinery.generate.ChatRequest}, {@link dev.refinery.generate.ChatResponse}), reasoning modes
 * per model family ({@link dev.refinery.generate.ReasoningMode}) and a retrying client with a
 * bounded number of requests in flight ({@link dev.refinery.generate.ChatClient}).
 */
package dev.refinery.generate;
