package dev.refinery.sample;

import java.util.Map;
import java.util.Objects;

/**
 * One tool call of an assistant turn, OpenAI style: {@code id, type, function{name, arguments}}
 * where {@code arguments} is a JSON string, exactly as the model wrote it (it may be invalid JSON;
 * validation says so, decoding does not repair it).
 */
public record ToolCall(String id, String type, Function function, Map<String, Object> extra) {

  public ToolCall {
    extra = Extras.copyOf(extra);
  }

  public static ToolCall of(String id, String name, String arguments) {
    return new ToolCall(id, "function", new Function(name, arguments, null), null);
  }

  /** The function part; never null in a decoded record, but its fields may be. */
  public record Function(String name, String arguments, Map<String, Object> extra) {
    public Function {
      extra = Extras.copyOf(extra);
    }
  }

  public String name() {
    return function == null ? null : function.name();
  }

  public String arguments() {
    return function == null ? null : function.arguments();
  }

  @Override
  public String toString() {
    return "ToolCall[" + Objects.toString(name()) + "(" + Objects.toString(arguments()) + ")]";
  }
}
