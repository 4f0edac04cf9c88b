package dev.refinery.demo;

import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two files next to {@code data/}: {@code README.md} for people and {@code planted.json} for a
 * later validate run to be compared with. Neither holds anything that varies between runs of the
 * same spec, so the whole folder is reproducible.
 */
final class Readme {
  private Readme() {}

  static void write(Path outDir, SampleData.Spec spec, SampleData.Summary summary) {
    writeAtomically(outDir.resolve("planted.json"), Json.write(plantedJson(outDir, spec, summary))
        + "\n");
    writeAtomically(outDir.resolve("README.md"), markdown(outDir, spec, summary));
  }

  private static Map<String, Object> plantedJson(Path outDir, SampleData.Spec spec,
      SampleData.Summary summary) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("generator", "refinery sample-data");
    json.put("rows", spec.rows());
    json.put("seed", spec.seed());
    json.put("file_format", spec.extension());
    json.put("shard_rows", spec.shardRows());
    json.put("rows_per_split", summary.rowsPerSplit());
    List<String> files = new ArrayList<>();
    for (Path f : summary.files()) {
      files.add(relative(outDir, f));
    }
    json.put("files", files);
    Map<String, Object> defects = new LinkedHashMap<>();
    Map<String, Object> placeholders = new LinkedHashMap<>();
    summary.planted().forEach((plant, n) ->
        (plant.isDefect() ? defects : placeholders).put(plant.key(), n));
    json.put("defects", defects);
    json.put("placeholders", placeholders);
    return json;
  }

  private static String markdown(Path outDir, SampleData.Spec spec, SampleData.Summary summary) {
    StringBuilder md = new StringBuilder(4096);
    md.append("# Synthetic Nemotron-style post-training data\n\n")
        .append("Written by `refinery sample-data --rows ").append(spec.rows())
        .append(" --seed ").append(spec.seed()).append(" --file-format ").append(spec.extension())
        .append(" --shard-rows ").append(spec.shardRows()).append("`. ")
        .append("The same command always writes byte-identical files. The text is filler built ")
        .append("from template banks: the structure is realistic, the content is not.\n\n")
        .append("## Layout\n\n")
        .append("The folder follows the Nemotron Post-Training Dataset v1 Hugging Face layout, ")
        .append("`data/<split>-NNNNN-of-NNNNN.").append(spec.extension()).append("`; the ")
        .append("tool_calling split's files are named `tool-*`, as on the v1 card. Splits keep ")
        .append("the card's proportions, with at least ").append(Layout.MIN_ROWS_PER_SPLIT)
        .append(" rows each.\n\n")
        .append("| split | rows |\n|---|---:|\n");
    summary.rowsPerSplit().forEach((split, n) ->
        md.append("| ").append(split).append(" | ").append(n).append(" |\n"));
    md.append("| total | ").append(summary.totalRows()).append(" |\n\n")
        .append(summary.files().size()).append(" files:\n\n");
    for (Path f : summary.files()) {
      md.append("- `").append(relative(outDir, f)).append("`\n");
    }
    md.append("\n## Conventions\n\n")
        .append("- Columns: uuid, license (`CC BY 4.0`, a few `odc-by`), generator ")
        .append("(`").append(RowFactory.R1).append("` for most reasoning-on rows, `")
        .append(RowFactory.QWEN3).append("` otherwise), version `v1`, category (the split), ")
        .append("reasoning (`on`/`off`, about half each), messages, metadata (a JSON string).\n")
        .append("- Reasoning on: the final assistant turn is ")
        .append("`<think>\\n…\\n</think>\\n\\nanswer`. ")
        .append("Reasoning off: no think block at all. Earlier assistant turns of multi-turn ")
        .append("chats never carry a trace.\n")
        .append("- math answers end in `\\boxed{…}` (metadata `{\"expected_answer\": …}`); ")
        .append("code ")
        .append("answers hold a fenced ```python block; stem has numeric and multiple-choice ")
        .append("questions; chat has 2 to 4 user turns, half opening with the system prompt \"")
        .append(ChatRows.SYSTEM_PROMPT).append("\"; other splits have metadata `{}`.\n")
        .append("- tool_calling: metadata is `{\"tools\": [...]}` (OpenAI function definitions); ")
        .append("the assistant turn that calls tools has content `\"\"` and one or two ")
        .append("`tool_calls` (ids `call_<hex>`, arguments a JSON string), followed by one ")
        .append("`tool` turn per call and the final answer.\n\n")
        .append("## Planted rows\n\n")
        .append("Each planted row carries exactly one plant. Counts are also in `planted.json`, ")
        .append("to compare with a validate run. Placeholders are documented by the card and are ")
        .append("not defects. Each plant is meant to trip one validate rule, named like it; ")
        .append("unterminated_think and empty_think are both a broken think block, and an empty ")
        .append("think block also counts as reasoning on without a trace; empty_assistant_turn ")
        .append("is an empty turn.\n\n")
        .append("| plant | rows | what |\n|---|---:|---|\n");
    summary.planted().forEach((plant, n) -> md.append("| ").append(plant.key())
        .append(plant.isDefect() ? "" : " (placeholder)").append(" | ").append(n).append(" | ")
        .append(plant.description().replace("|", "\\|").replace("<", "&lt;")).append(" |\n"));
    md.append("| total defects | ").append(summary.defects()).append(" | |\n");
    return md.toString();
  }

  private static String relative(Path outDir, Path file) {
    return outDir.toAbsolutePath().relativize(file.toAbsolutePath()).toString().replace('\\', '/');
  }

  private static void writeAtomically(Path target, String text) {
    AtomicFile.writeString(target, text);
  }
}
