package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.mix.BlendPlan;
import dev.refinery.mix.Interleave;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Steps commands put in their pipelines ({@link Pipeline#canned}) that YAML does not name. */
public final class CommandSteps {
  private CommandSteps() {}

  /** Gives a row without a uuid the hash of its content as one (convert, format). */
  public static Step contentUuid() {
    return new ContentUuidStep();
  }

  /**
   * Keeps, of each source of {@code input} that {@code categories} names, only its rows of those
   * categories; the others are dropped as {@code other_category}.
   */
  public static Step sourceCategories(PipelineSpec.Input input,
      Map<String, Set<String>> categories) {
    SourceTable table = SourceTable.of(input);
    List<Set<String>> perSource = new ArrayList<>();
    for (String name : table.names()) {
      perSource.add(Set.copyOf(categories.getOrDefault(name, Set.of())));
    }
    return new SourceCategories(table, perSource);
  }

  /**
   * {@code refinery blend}'s step: a weighted mixture of {@code input}'s sources (BlendPlan's
   * quotas; rows chosen by seeded hashes of their ids), to {@code total} samples or tokens;
   * {@code tokenizer} (a tokenizer.json, its folder, or an encoding name) counts tokens, or null,
   * the conversation rendered with {@code template} when it is not null. The run folder gets
   * blend_manifest.json, saying of each source what {@code described} holds for it (its path,
   * ...) besides its counts.
   */
  public static Step blend(PipelineSpec.Input input, Map<String, Double> weights,
      BlendPlan.Unit unit, long total, String tokenizer, String template,
      List<Map<String, Object>> described) {
    SourceTable table = SourceTable.of(input);
    for (String w : weights.keySet()) {
      if (!table.names().contains(w)) {
        throw new RefineryException("--weights names '" + w + "', which is not a source; "
            + "sources: " + String.join(", ", table.names()));
      }
    }
    List<String> groups = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (String name : table.names()) {
      Double w = weights.get(name);
      if (w == null) {
        throw new RefineryException("source '" + name + "' has no weight in --weights");
      }
      groups.add(name);
      values.add(w);
    }
    return new BlendStep(new BlendStep.Config("source", groups, values, unit, total, tokenizer,
        template, null, table, List.copyOf(described)));
  }

  /**
   * {@code refinery interleave}'s step: {@code input}'s sources interleaved as Hugging Face's
   * interleave_datasets does, taking turns ({@code probabilities} null) or drawing each row's
   * source, seeded by the pipeline's seed; write it with {@link Sinks#interleaved}. {@code
   * described}: per source what interleave_manifest.json says of it besides the counts.
   */
  public static Step interleave(PipelineSpec.Input input, double[] probabilities,
      Interleave.Stopping stopping, List<Map<String, Object>> described) {
    return new InterleaveStep(new InterleaveStep.Config(SourceTable.of(input),
        probabilities == null ? null : probabilities.clone(), stopping, List.copyOf(described)));
  }
}
