package dev.refinery.template.jinja;

import dev.refinery.RefineryException;
import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import dev.refinery.sample.ToolDefinitions;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A model's own Jinja chat template (the {@code chat_template} of its tokenizer_config.json, or a
 * .jinja file), rendered with Python Jinja2's semantics as transformers' {@code
 * apply_chat_template} renders it. Segments come from the interpreter's provenance tracking: the
 * message a for loop had bound while text was written, and which characters came from a
 * message's own fields.
 */
public final class JinjaChatTemplate implements ChatTemplate {
  private final String name;
  private final Template template;
  private final Map<String, Object> variables;
  private volatile String generationPrompt;
  private volatile ToolStyle toolStyle;

  private JinjaChatTemplate(String name, Template template, Map<String, Object> variables) {
    this.name = name;
    this.template = template;
    this.variables = variables;
  }

  /**
   * The chat template of a tokenizer_config.json (or of a folder holding one). {@code
   * chat_template} may be a string or a list of {@code {"name", "template"}} (the "default" one
   * is used); its special tokens become the variables {@code bos_token}, {@code eos_token}, ….
   */
  public static JinjaChatTemplate fromTokenizerConfig(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer_config.json") : path;
    Map<?, ?> config = readConfig(file);
    String source = chatTemplate(file, config.get("chat_template"));
    Path dir = file.toAbsolutePath().getParent();
    String label = dir == null ? file.toString() : dir.getFileName() + "/" + file.getFileName();
    return of(label, source, specialTokens(config), file.toString());
  }

  /**
   * A .jinja template file; when a tokenizer_config.json sits beside it, its special tokens
   * ({@code bos_token}, {@code eos_token}, …) are the template's variables.
   */
  public static JinjaChatTemplate fromJinjaFile(Path file) {
    String source;
    try {
      source = Files.readString(file);
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read template: " + e.getMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    Path config = dir == null ? null : dir.resolve("tokenizer_config.json");
    Map<String, Object> vars = config != null && Files.isRegularFile(config)
        ? specialTokens(readConfig(config)) : Map.of();
    return of(file.getFileName().toString(), source, vars, file.toString());
  }

  private static Map<?, ?> readConfig(Path file) {
    Object parsed;
    try {
      parsed = Json.parse(Files.readString(file));
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read tokenizer config: " + e.getMessage()
          .lines().findFirst().orElse(""));
    }
    if (!(parsed instanceof Map<?, ?> config)) {
      throw new RefineryException(file + ": not a JSON object");
    }
    return config;
  }

  /** The set special tokens of a config, as strings (an AddedToken dict gives its content). */
  private static Map<String, Object> specialTokens(Map<?, ?> config) {
    Map<String, Object> vars = new LinkedHashMap<>();
    for (var e : config.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (!k.endsWith("_token") || k.startsWith("add_")) {
        continue;
      }
      Object v = e.getValue();
      if (v instanceof Map<?, ?> added) {
        v = added.get("content");
      }
      if (v instanceof String s) {
        // transformers' special_tokens_map leaves out unset (null) tokens
        vars.put(k, s);
      }
    }
    return vars;
  }

  private static String chatTemplate(Path file, Object ct) {
    if (ct instanceof String s) {
      return s;
    }
    if (ct instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && "default".equals(m.get("name"))
            && m.get("template") instanceof String s) {
          return s;
        }
      }
      throw new RefineryException(file + ": chat_template is a list without a \"default\" "
          + "template");
    }
    throw new RefineryException(file + ": no chat_template");
  }

  /** A template from source, e.g. a user's .jinja file, with fixed variables (special tokens). */
  public static JinjaChatTemplate of(String name, String source, Map<String, Object> variables) {
    return of(name, source, variables, name);
  }

  private static JinjaChatTemplate of(String name, String source, Map<String, Object> variables,
                                      String where) {
    return of(name, source, variables, where, () -> ZonedDateTime.now(ZoneOffset.UTC));
  }

  static JinjaChatTemplate of(String name, String source, Map<String, Object> variables,
                              String where, Supplier<ZonedDateTime> clock) {
    Template t;
    try {
      t = new Template(source, clock);
    } catch (JinjaException e) {
      throw new RefineryException(where + ": chat template does not parse: " + e.getMessage());
    }
    return new JinjaChatTemplate(name, t, Map.copyOf(variables == null ? Map.of()
        : withoutNulls(variables)));
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (v != null) {
        out.put(k, v);
      }
    });
    return out;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Renders plain template input, as {@code apply_chat_template(messages, tools=tools,
   * add_generation_prompt=..., **extraKwargs)}. Throws {@link RefineryException} with the
   * template's own message when rendering fails.
   */
  public String render(List<Map<String, Object>> messages, List<Object> tools,
                       boolean addGenerationPrompt, Map<String, Object> extraKwargs) {
    try {
      return run(messages, tools, addGenerationPrompt, extraKwargs, new IdentityHashMap<>())
          .sb.toString();
    } catch (JinjaException e) {
      throw new RefineryException("cannot render with " + name + ": " + e.getMessage());
    }
  }

  private Interp.Out run(List<? extends Map<String, Object>> messages, List<Object> tools,
                         boolean addGenerationPrompt, Map<String, Object> extraKwargs,
                         IdentityHashMap<Object, Integer> index) {
    Map<String, Object> vars = new LinkedHashMap<>(variables);
    vars.put("messages", messages);
    vars.put("tools", tools);
    vars.put("documents", null);
    vars.put("add_generation_prompt", addGenerationPrompt);
    if (extraKwargs != null) {
      vars.putAll(extraKwargs);
    }
    return template.render(vars, index);
  }

  /** The text add_generation_prompt appends after a one-user-message conversation, or "". */
  String generationPrompt() {
    if (generationPrompt == null) {
      String g = "";
      try {
        List<Map<String, Object>> one = List.of(new LinkedHashMap<>(Map.of("role", "user",
            "content", "x")));
        String with = run(one, null, true, Map.of(), new IdentityHashMap<>()).sb.toString();
        String without = run(one, null, false, Map.of(), new IdentityHashMap<>()).sb.toString();
        if (with.startsWith(without)) {
          g = with.substring(without.length());
        }
      } catch (JinjaException e) {
        // a template that cannot render a lone user turn has no recognizable prompt
      }
      generationPrompt = g;
    }
    return generationPrompt;
  }

  /**
   * How this template takes tool calls, found once by rendering a small conversation with one call
   * in each way transformers users pass it, and the first way whose text holds the call is used:
   * arguments as a dict (what transformers documents, and what templates that iterate or
   * {@code tojson} them need) or as the JSON string (templates that concatenate them, such as
   * DeepSeek-V3's), and the content of a call turn without text as {@code ""} (templates that test
   * {@code '<think>' in content}) or None (templates that write calls only when content is none,
   * DeepSeek-V3's again). Also whether the template writes tool definitions at all.
   *
   * @param stringArguments pass arguments as the original JSON string, not a dict
   * @param nullContent pass the empty content of a call turn as None, not ""
   * @param writesCalls some way of passing a call puts it into the text
   * @param writesTools the template writes the {@code tools} it is given
   */
  record ToolStyle(boolean stringArguments, boolean nullContent, boolean writesCalls,
                   boolean writesTools) {}

  private static final String PROBE_TOOL = "refinery_probe_lookup";
  private static final String PROBE_ARG = "refinery_probe_city";
  /** Nine alphanumerics: Mistral's templates refuse any other call id. */
  private static final String PROBE_ID = "call12345";

  ToolStyle toolStyle() {
    ToolStyle style = toolStyle;
    if (style == null) {
      style = new ToolStyle(false, false, false, false);
      for (boolean stringArgs : new boolean[] {false, true}) {
        for (boolean nullContent : new boolean[] {false, true}) {
          if (probeWritesCall(stringArgs, nullContent)) {
            style = new ToolStyle(stringArgs, nullContent, true, false);
            break;
          }
        }
        if (style.writesCalls()) {
          break;
        }
      }
      style = new ToolStyle(style.stringArguments(), style.nullContent(), style.writesCalls(),
          probeWritesTools());
      toolStyle = style;
    }
    return style;
  }

  private boolean probeWritesCall(boolean stringArgs, boolean nullContent) {
    Map<String, Object> fn = new LinkedHashMap<>();
    fn.put("name", PROBE_TOOL);
    fn.put("arguments", stringArgs ? "{\"" + PROBE_ARG + "\": \"Paris\"}"
        : new LinkedHashMap<>(Map.of(PROBE_ARG, "Paris")));
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("id", PROBE_ID);
    call.put("type", "function");
    call.put("function", fn);
    Map<String, Object> assistant = new LinkedHashMap<>();
    assistant.put("role", "assistant");
    assistant.put("content", nullContent ? null : "");
    assistant.put("tool_calls", List.of(call));
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("role", "tool");
    reply.put("content", "20 degrees");
    reply.put("tool_call_id", PROBE_ID);
    List<Map<String, Object>> messages = List.of(
        new LinkedHashMap<>(Map.of("role", "user", "content", "Weather in Paris?")), assistant,
        reply, new LinkedHashMap<>(Map.of("role", "assistant", "content", "Warm.")));
    try {
      String text = run(messages, null, false, Map.of(), new IdentityHashMap<>()).sb.toString();
      return text.contains(PROBE_TOOL) && text.contains(PROBE_ARG);
    } catch (JinjaException e) {
      return false;
    }
  }

  private boolean probeWritesTools() {
    Map<String, Object> fn = new LinkedHashMap<>();
    fn.put("name", PROBE_TOOL);
    fn.put("description", "Looks up the weather.");
    fn.put("parameters", Map.of("type", "object", "properties",
        Map.of(PROBE_ARG, Map.of("type", "string"))));
    Map<String, Object> tool = new LinkedHashMap<>();
    tool.put("type", "function");
    tool.put("function", fn);
    List<Map<String, Object>> messages = List.of(
        new LinkedHashMap<>(Map.of("role", "user", "content", "Weather in Paris?")));
    try {
      String text = run(messages, List.of(tool), false, Map.of(), new IdentityHashMap<>())
          .sb.toString();
      return text.contains(PROBE_TOOL);
    } catch (JinjaException e) {
      return false;
    }
  }

  @Override
  public List<Segment> segments(Sample sample, RenderOptions options) {
    List<Map<String, Object>> messages = templateMessages(sample, options);
    List<Object> tools = templateTools(sample.metadata(), options.wrapBareTools());
    if (tools != null && !options.tools()) {
      throw fail(sample, "it defines tools in metadata.tools, which --no-tools leaves out");
    }
    ToolStyle style = toolStyle();
    if (tools != null && !style.writesTools()) {
      throw fail(sample, "it defines tools in metadata.tools, which this template does not write "
          + "(its text would lack them)");
    }
    if (!style.writesCalls()) {
      for (int i = 0; i < sample.messages().size(); i++) {
        if (sample.messages().get(i).hasToolCalls()) {
          throw fail(sample, "message " + i + " calls tools, which this template does not write "
              + "(its text would lack the calls)");
        }
      }
    }
    IdentityHashMap<Object, Integer> index = new IdentityHashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      index.put(messages.get(i), i);
    }
    Interp.Out out;
    try {
      out = run(messages, tools, options.addGenerationPrompt(), Map.of(), index);
    } catch (JinjaException e) {
      throw fail(sample, e.getMessage());
    }
    checkToolsWritten(sample, tools, out.sb);
    List<String> roles = new ArrayList<>();
    for (Map<String, Object> m : messages) {
      roles.add(String.valueOf(m.get("role")));
    }
    return Segments.of(out, roles, generationPrompt());
  }

  /**
   * Rejects a render whose text lacks a call's name or argument names, or a defined tool's name:
   * the template could write them in general but not in this conversation (say, a call turn that
   * also has text, where DeepSeek-V3's template writes the text only).
   */
  private void checkToolsWritten(Sample sample, List<Object> tools, CharSequence rendered) {
    String text = rendered.toString();
    for (int i = 0; i < sample.messages().size(); i++) {
      for (ToolCall c : sample.messages().get(i).toolCallsOrEmpty()) {
        if (c.name() != null && !text.contains(c.name())) {
          throw fail(sample, "message " + i + " calls " + c.name() + ", which the rendered text "
              + "lacks");
        }
        if (Json.parseOrNull(c.arguments()) instanceof Map<?, ?> args) {
          for (Object key : args.keySet()) {
            if (!text.contains(String.valueOf(key))) {
              throw fail(sample, "message " + i + " calls " + c.name() + " with argument '" + key
                  + "', which the rendered text lacks");
            }
          }
        }
      }
    }
    for (String name : ToolDefinitions.namesOf(tools)) {
      if (!text.contains(name)) {
        throw fail(sample, "tool " + name + " of metadata.tools is not in the rendered text");
      }
    }
  }

  private RefineryException fail(Sample sample, String reason) {
    return new RefineryException("sample " + sample.uuid() + ": cannot render with " + name
        + ": " + reason);
  }

  /** The sample's messages as transformers gets them, their own fields tainted for segments. */
  List<Map<String, Object>> templateMessages(Sample sample, RenderOptions options) {
    boolean strip = switch (options.reasoning()) {
      case KEEP -> false;
      case STRIP -> true;
      case ON_ONLY -> !sample.reasoningOn();
    };
    List<Map<String, Object>> out = new ArrayList<>();
    List<Message> messages = sample.messages();
    if (messages.isEmpty()) {
      throw fail(sample, "no messages");
    }
    ToolStyle style = toolStyle();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("role", m.role());
      String content = m.content();
      if (strip && m.isAssistant() && content != null) {
        ThinkBlock block = ThinkBlock.parse(content);
        content = switch (block.state()) {
          case ABSENT -> content;
          case CLOSED -> block.answer();
          case UNTERMINATED -> throw fail(sample, "message " + i
              + " has an unterminated <think> block; cannot strip it");
          case STRAY_TAG -> throw fail(sample, "message " + i
              + " has a stray think tag; cannot strip it");
        };
      }
      if (m.hasToolCalls() && (content == null || content.isEmpty())) {
        content = style.nullContent() ? null : "";
      }
      d.put("content", content == null ? null : TStr.whole(content, i));
      if (m.toolCalls() != null) {
        List<Object> calls = new ArrayList<>();
        for (ToolCall c : m.toolCalls()) {
          Map<String, Object> fn = new LinkedHashMap<>();
          fn.put("name", c.name() == null ? null : TStr.whole(c.name(), i));
          String args = c.arguments();
          Object parsed = Json.parseOrNull(args);
          fn.put("arguments", taint(parsed instanceof Map<?, ?> && !style.stringArguments()
              ? parsed : args, i));
          Map<String, Object> call = new LinkedHashMap<>();
          if (c.id() != null) {
            call.put("id", c.id());
          }
          call.put("type", c.type() == null ? "function" : c.type());
          call.put("function", fn);
          calls.add(call);
        }
        d.put("tool_calls", calls);
      }
      for (var e : m.extra().entrySet()) {
        String k = e.getKey();
        if (!d.containsKey(k)) {
          d.put(k, k.equals("reasoning_content") ? taint(e.getValue(), i) : e.getValue());
        }
      }
      out.add(d);
    }
    return out;
  }

  private static Object taint(Object v, int owner) {
    if (v instanceof String s) {
      return TStr.whole(s, owner);
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, taint(x, owner)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(taint(x, owner)));
      return out;
    }
    return v;
  }

  /**
   * metadata.tools as the template's {@code tools}, or null: bare {@code {"name", ...}} entries
   * (glaive's) wrapped as OpenAI's {@code {"type":"function","function":{...}}} when {@code wrap},
   * which is what transformers turns a tool into and what templates index.
   */
  static List<Object> templateTools(String metadata, boolean wrap) {
    List<?> raw = ToolDefinitions.tools(metadata);
    if (raw.isEmpty()) {
      return null;
    }
    return wrap ? ToolDefinitions.openAiShape(raw) : new ArrayList<>(raw);
  }
}
