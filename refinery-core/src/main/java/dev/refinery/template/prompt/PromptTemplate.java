package dev.refinery.template.prompt;

import dev.refinery.RefineryException;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template: an instruction written around the first user turn, a system prompt, or both.
 *
 * <p>The user template holds exactly one placeholder, {@code {prompt}} (or its alias {@code
 * {problem}}), where the turn's text goes; doubled braces write literal ones (so "\boxed{{}}"
 * is "\boxed{}"; a lone "{}" is literal too). Any other {@code {name}} is an error, because a
 * misspelt placeholder would otherwise end up verbatim in millions of prompts. The card's templates
 * are an instruction, a blank line, then the problem ({@link #instruction}): the same layout as the
 * NeMo-Skills prompts the v1 rows were generated from ("Solve the following math problem. Make
 * sure to put the answer (and only answer) inside \boxed{}.\n\n" + problem).
 *
 * <p>Only the first user turn is templated: the card's templates introduce a problem, and later
 * turns of a conversation are follow-ups, not new problems. Assistant turns are never touched.
 * Applying is idempotent: a turn that already starts with the template's text before the
 * placeholder and ends with the text after it is left alone, so running a pipeline twice (or
 * formatting data a pipeline already templated) does not stack instructions.
 *
 * <p>The system prompt is set only where the sample has none (no system message, or an empty
 * leading one); a sample's own non-empty system prompt is data and is kept, and counted.
 */
public final class PromptTemplate implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{|}}|\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final String name;
  private final String prefix;
  private final String suffix;
  private final String systemPrompt;

  private PromptTemplate(String name, String prefix, String suffix, String systemPrompt) {
    this.name = Objects.requireNonNull(name, "name");
    this.prefix = prefix;
    this.suffix = suffix;
    this.systemPrompt = systemPrompt;
  }

  /**
   * A template from its parts.
   *
   * @param userTemplate null for none, else text with one {@code {prompt}} or {@code {problem}}
   * @param systemPrompt null for none
   * @throws RefineryException naming the problem: no placeholder, two, or an unknown one
   */
  public static PromptTemplate of(String name, String userTemplate, String systemPrompt) {
    if (userTemplate == null) {
      return new PromptTemplate(name, null, null, emptyToNull(systemPrompt));
    }
    StringBuilder before = new StringBuilder();
    StringBuilder after = null;
    StringBuilder current = before;
    Matcher m = PLACEHOLDER.matcher(userTemplate);
    int last = 0;
    while (m.find()) {
      current.append(userTemplate, last, m.start());
      last = m.end();
      String token = m.group();
      if (token.equals("{{")) {
        current.append('{');
      } else if (token.equals("}}")) {
        current.append('}');
      } else {
        String placeholder = m.group(1);
        if (!placeholder.equals("prompt") && !placeholder.equals("problem")) {
          throw new RefineryException("unknown placeholder '{" + placeholder + "}'; use {prompt} "
              + "or {problem} (write {{ and }} for literal braces)");
        }
        if (after != null) {
          throw new RefineryException("the template has more than one placeholder; use {prompt} "
              + "once");
        }
        after = new StringBuilder();
        current = after;
      }
    }
    current.append(userTemplate, last, userTemplate.length());
    if (after == null) {
      throw new RefineryException("the template has no {prompt} placeholder for the user's text "
          + "(or use 'instruction' for text placed before it)");
    }
    return new PromptTemplate(name, before.toString(), after.toString(),
        emptyToNull(systemPrompt));
  }

  /** The card's layout: {@code instruction}, a blank line, then the user's text. */
  public static PromptTemplate instruction(String name, String instruction, String systemPrompt) {
    return new PromptTemplate(name, instruction + "\n\n", "", emptyToNull(systemPrompt));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  public String name() {
    return name;
  }

  /** The text written before the user's turn, or null when the template has no user part. */
  public String prefix() {
    return prefix;
  }

  public String systemPrompt() {
    return systemPrompt;
  }

  /** The user turn's new text; unchanged when it already carries this template. */
  public String wrap(String userText) {
    if (prefix == null || isWrapped(userText)) {
      return userText;
    }
    return prefix + userText + suffix;
  }

  /** Whether {@code userText} already starts with this template's prefix and ends with its suffix. */
  public boolean isWrapped(String userText) {
    return prefix != null && userText.length() >= prefix.length() + suffix.length()
        && userText.startsWith(prefix) && userText.endsWith(suffix);
  }

  /**
   * The sample with this template applied; {@code tally} hears one key per thing done or left:
   * {@code template_applied}, {@code template_present}, {@code no_user_turn}, {@code
   * system_prompt_set}, {@code system_prompt_present}, {@code system_prompt_kept}.
   */
  public Sample apply(Sample sample, Consumer<String> tally) {
    List<Message> messages = sample.messages();
    List<Message> changed = null;
    if (prefix != null) {
      int user = firstUser(messages);
      if (user < 0) {
        tally.accept("no_user_turn");
      } else if (isWrapped(messages.get(user).content())) {
        tally.accept("template_present");
      } else {
        changed = new ArrayList<>(messages);
        changed.set(user, messages.get(user).withContent(wrap(messages.get(user).content())));
        tally.accept("template_applied");
      }
    }
    if (systemPrompt != null) {
      List<Message> base = changed == null ? messages : changed;
      boolean hasSystem = !base.isEmpty() && Message.SYSTEM.equals(base.get(0).role());
      String current = hasSystem ? base.get(0).content() : null;
      if (current != null && current.equals(systemPrompt)) {
        tally.accept("system_prompt_present");
      } else if (current != null && !current.isBlank()) {
        tally.accept("system_prompt_kept");
      } else {
        changed = changed == null ? new ArrayList<>(messages) : changed;
        if (hasSystem) {
          changed.set(0, base.get(0).withContent(systemPrompt));
        } else {
          changed.add(0, Message.of(Message.SYSTEM, systemPrompt));
        }
        tally.accept("system_prompt_set");
      }
    }
    return changed == null ? sample : sample.withMessages(changed);
  }

  /** The first user turn with text; null content (a malformed row) is not templated. */
  private static int firstUser(List<Message> messages) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).isUser()) {
        return messages.get(i).content() == null ? -1 : i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return name;
  }
}
