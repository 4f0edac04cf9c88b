package dev.refinery.template.jinja;

/** A template that cannot be parsed or rendered; the message is one line. */
final class JinjaException extends RuntimeException {
  /** True when the template itself raised it (raise_exception): its message is kept as is. */
  final boolean raisedByTemplate;
  /** Where in the source a syntax error is (a character offset), or -1 when not known. */
  final int pos;

  JinjaException(String message) {
    this(message, false);
  }

  JinjaException(String message, boolean raisedByTemplate) {
    super(message, null, false, false);
    this.raisedByTemplate = raisedByTemplate;
    this.pos = -1;
  }

  JinjaException(String message, int pos) {
    super(message, null, false, false);
    this.raisedByTemplate = false;
    this.pos = pos;
  }
}
