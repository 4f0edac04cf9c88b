package dev.refinery.template.jinja;

/** A template that cannot be parsed or rendered; the message is one line. */
final class JinjaException extends RuntimeException {
  /** True when the template itself raised it (raise_exception): its message is kept as is. */
  final boolean raisedByTemplate;

  JinjaException(String message) {
    this(message, false);
  }

  JinjaException(String message, boolean raisedByTemplate) {
    super(message, null, false, false);
    this.raisedByTemplate = raisedByTemplate;
  }
}
