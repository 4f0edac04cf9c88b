package dev.refinery.bench;

import dev.refinery.RefineryException;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.tokenize.Packer;
import dev.refinery.tokenize.SampleTokenizer;
import dev.refinery.tokenize.TokenizedSample;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the tokenize path's time goes, phase by phase over the same rows in one JVM: rendering
 * (segments), encoding (ids only), encoding with token spans, the whole per-sample path (render,
 * spans, mask) and packing. Mean of 5 passes after 3 warm-up passes.
 *
 * <pre>
 * refinery-bench/run.sh tokenize-phases [ROWS]
 * </pre>
 */
public final class TokenizePhases {
  private TokenizePhases() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    List<Sample> corpus = TokenizeBenchmark.corpus(rows);
    System.out.printf("%-22s %10s %10s %12s %12s %9s%n", "tokenizer template", "render ms",
        "encode ms", "spans ms", "path ms", "pack ms");
    for (String tok : new String[] {"qwen3", "llama3", "cl100k_base", "o200k_base"}) {
      for (String kind : new String[] {"built-in", "jinja"}) {
        ChatTemplate t = TokenizeBenchmark.template(tok, kind);
        Tokenizer tokenizer = Tokenizers.open(TokenizeBenchmark.tokenizerSpec(tok));
        List<Sample> ok = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Sample s : corpus) {
          try {
            texts.add(t.render(s, RenderOptions.DEFAULT));
            ok.add(s);
          } catch (RefineryException e) {
            // not renderable: not in the corpus
          }
        }
        SampleTokenizer st = new SampleTokenizer(tokenizer, t, RenderOptions.DEFAULT,
            SampleTokenizer.Loss.ASSISTANT, SampleTokenizer.TrainedTurns.ALL);
        long[] sum = new long[5];
        long sink = 0;
        for (int pass = 0; pass < 8; pass++) {
          long t0 = System.nanoTime();
          for (Sample s : ok) {
            sink += t.segments(s, RenderOptions.DEFAULT).size();
          }
          long t1 = System.nanoTime();
          for (String s : texts) {
            sink += tokenizer.encode(s).length;
          }
          long t2 = System.nanoTime();
          for (String s : texts) {
            sink += tokenizer.encodeWithOffsets(s).length();
          }
          long t3 = System.nanoTime();
          List<TokenizedSample> done = new ArrayList<>();
          for (Sample s : ok) {
            done.add(st.tokenize(s));
          }
          long t4 = System.nanoTime();
          sink += new Packer(4096).packAll(done).size();
          long t5 = System.nanoTime();
          if (pass >= 3) {
            sum[0] += t1 - t0;
            sum[1] += t2 - t1;
            sum[2] += t3 - t2;
            sum[3] += t4 - t3;
            sum[4] += t5 - t4;
          }
        }
        tokenizer.close();
        System.out.printf(Locale.ROOT, "%-22s %10d %10d %12d %12d %9d%s%n", tok + " " + kind,
            sum[0] / 5_000_000, sum[1] / 5_000_000, sum[2] / 5_000_000, sum[3] / 5_000_000,
            sum[4] / 5_000_000, sink == 42 ? " " : "");
      }
    }
  }
}
