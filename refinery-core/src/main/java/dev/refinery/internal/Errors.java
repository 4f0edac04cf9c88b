package dev.refinery.internal;

/**
 * Exception messages cut to what a one-line error can carry: libraries (Jackson, parquet-java,
 * DJL) often write several lines, and Refinery's errors are one line that names the file.
 */
public final class Errors {
  private static final int MAX = 200;

  private Errors() {}

  /** The first line of the message (or the class name when there is none), at most 200 chars. */
  public static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? "" : firstLine(e.getMessage()).strip();
    if (m.isEmpty()) {
      m = e.getClass().getSimpleName();
    }
    return m.length() > MAX ? m.substring(0, MAX) + "…" : m;
  }

  /** A number as a message shows it: a whole one without ".0" (3, not 3.0). */
  public static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d)
        : Double.toString(d);
  }

  public static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
