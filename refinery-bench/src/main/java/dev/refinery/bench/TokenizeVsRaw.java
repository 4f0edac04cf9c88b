package dev.refinery.bench;

import java.util.Arrays;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The overhead of Refinery's tokenize path over raw encoding, measured side by side: the two
 * alternate in one JVM, {@code reps} times each after warm-up, and the ratio of their medians is
 * reported. On a shared machine, drift hits both alike, so the ratio is the stable figure (JMH runs
 * each benchmark in its own fork minutes apart, where a noisy neighbour shows up as overhead).
 *
 * <pre>
 * refinery-bench/run.sh tokenize-ratio [ROWS] [REPS]
 * </pre>
 */
public final class TokenizeVsRaw {
  private TokenizeVsRaw() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    Blackhole bh = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    System.out.printf("%-22s %8s %10s %10s %10s %10s %9s%n", "tokenizer template", "MB text",
        "raw s", "path s", "raw MB/s", "path MB/s", "overhead");
    for (String tokenizer : new String[] {"qwen3", "llama3", "cl100k_base", "o200k_base"}) {
      for (String template : new String[] {"built-in", "jinja"}) {
        TokenizeBenchmark b = new TokenizeBenchmark();
        b.tokenizer = tokenizer;
        b.template = template;
        b.rows = rows;
        b.setup();
        double mb = b.textBytes() / 1e6;
        for (int w = 0; w < 3; w++) {
          b.rawEncode(bh);
          b.refineryPath(bh);
        }
        double[] raw = new double[reps];
        double[] path = new double[reps];
        for (int i = 0; i < reps; i++) {
          long t0 = System.nanoTime();
          b.rawEncode(bh);
          long t1 = System.nanoTime();
          b.refineryPath(bh);
          long t2 = System.nanoTime();
          raw[i] = (t1 - t0) / 1e9;
          path[i] = (t2 - t1) / 1e9;
        }
        b.tearDown();
        double r = median(raw);
        double p = median(path);
        System.out.printf(Locale.ROOT, "%-22s %8.1f %10.3f %10.3f %10.2f %10.2f %8.1f%%%n",
            tokenizer + " " + template, mb, r, p, mb / r, mb / p, 100 * (p / r - 1));
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
