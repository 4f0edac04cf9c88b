/**
 * Benchmark decontamination by word n-gram overlap.
 *
 * <p>{@link dev.refinery.decontam.Benchmarks} loads {@link dev.refinery.decontam.BenchmarkItem}s
 * from JSONL / JSON files ({@link dev.refinery.decontam.BenchmarkSource}: a path, an optional name
 * and optional field selectors; known shapes need none). {@link
 * dev.refinery.decontam.Decontaminator#build} indexes them once; {@link
 * dev.refinery.decontam.Decontaminator#match} answers, for any text, the first benchmark n-gram
 * it contains. {@link dev.refinery.decontam.DecontaminationFilter} is the {@code Filter<Sample>}
 * a pipeline runs, dropping with reason {@code contaminated:<benchmark>}.
 *
 * <p>Limits, by design of n-gram overlap: paraphrases (renamed variables, reworded sentences) and
 * items shorter than {@code min_words} are not found; see the NeMo-Skills contamination examples
 * in {@code PlantedContaminationTest}.
 */
package dev.refinery.decontam;
