package dev.refinery.cli;

import dev.refinery.template.RenderOptions;
import picocli.CommandLine.Option;

/** How {@code format} and {@code tokenize} hand a row's tools to the template: one rule for both. */
final class ToolOptions {
  @Option(names = "--tools", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Render the tool definitions of metadata.tools into the prompt (the "
          + "default; Jinja templates that take tools). A template whose text would lack a row's "
          + "tools or tool calls rejects that row; --no-tools rejects every row that defines "
          + "tools. Never rendered without them.")
  boolean tools = true;

  @Option(names = "--wrap-tools", negatable = true, defaultValue = "true",
      fallbackValue = "true",
      description = "Hand bare tool entries ({\"name\", \"parameters\"}, as glaive writes them) "
          + "to the template as {\"type\": \"function\", \"function\": {...}}, as transformers "
          + "does (the default); --no-wrap-tools passes them as written.")
  boolean wrapTools = true;

  RenderOptions options(boolean addGenerationPrompt, RenderOptions.Reasoning reasoning) {
    return new RenderOptions(addGenerationPrompt, reasoning, tools, wrapTools);
  }
}
