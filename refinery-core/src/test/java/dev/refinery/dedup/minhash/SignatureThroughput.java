package dev.refinery.dedup.minhash;

import dev.refinery.dedup.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hand-run measurement of MinHash signature speed on one core (not a test, never timed in CI):
 * {@code java -cp refinery-core/target/classes:refinery-core/target/test-classes
 * dev.refinery.dedup.minhash.SignatureThroughput [docs] [bytesPerDoc]}. Documents are ~2 KB of
 * English-like words drawn from a 5,000-word vocabulary; prints docs/s for the signature alone and
 * for normalization + signature, per second of this thread's CPU time (so a busy machine does
 * not skew it).
 */
public final class SignatureThroughput {
  public static void main(String[] args) {
    int docs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
    SplittableRandom random = new SplittableRandom(1);
    String[] vocab = new String[5000];
    for (int i = 0; i < vocab.length; i++) {
      StringBuilder w = new StringBuilder();
      int len = 2 + random.nextInt(8);
      for (int j = 0; j < len; j++) {
        w.append((char) ('a' + random.nextInt(26)));
      }
      vocab[i] = i % 7 == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w.toString();
    }
    List<String> texts = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      StringBuilder t = new StringBuilder(bytes + 16);
      while (t.length() < bytes) {
        t.append(vocab[random.nextInt(vocab.length)]).append(random.nextInt(12) == 0 ? ". " : " ");
      }
      texts.add(t.toString());
    }
    java.lang.management.ThreadMXBean cpu =
        java.lang.management.ManagementFactory.getThreadMXBean();
    MinHasher hasher = new MinHasher(MinHashConfig.DEFAULT);
    long[] sig = new long[hasher.numHashes()];
    for (int round = 0; round < 3; round++) {
      long sink = 0;
      long start = cpu.getCurrentThreadCpuTime();
      for (String t : texts) {
        hasher.signature(t, sig);
        sink += sig[0];
      }
      double s1 = (cpu.getCurrentThreadCpuTime() - start) / 1e9;
      start = cpu.getCurrentThreadCpuTime();
      for (String t : texts) {
        hasher.signature(Normalization.DEFAULT.apply(t), sig);
        sink += sig[1];
      }
      double s2 = (cpu.getCurrentThreadCpuTime() - start) / 1e9;
      System.out.printf("round %d: signature %,.0f docs/s, normalize+signature %,.0f docs/s"
          + " (%d docs of %d chars, %d hashes) [%d]%n", round, docs / s1, docs / s2, docs,
          bytes, hasher.numHashes(), sink & 1);
    }
  }
}
