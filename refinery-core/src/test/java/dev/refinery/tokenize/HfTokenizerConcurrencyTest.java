package dev.refinery.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.demo.SampleData;
import dev.refinery.io.FileKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads tokenizing at once with one Qwen3 tokenizer: each native handle serves one thread
 * at a time (DJL's binding makes a shared handle a data race in Rust; a shared one crashed the JVM
 * in Oniguruma's match_at once in 9 runs), and every thread gets the ids one thread gets.
 */
class HfTokenizerConcurrencyTest {
  private static final int THREADS = 6;
  private static final int ROUNDS = 3;

  @TempDir Path dir;

  @Test
  void concurrentCallsEachHaveTheirOwnHandleAndAgreeWithOneThread() throws Exception {
    Path file = TestData.file("tokenizers/qwen3/tokenizer.json");
    SampleData.write(dir.resolve("demo"), SampleData.Spec.of(200, 11)
        .withFileKind(FileKind.JSONL));
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir.resolve("demo"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        texts.addAll(Files.readAllLines(f));
      }
    }
    // What the pre-tokenizer's regex branches on: contractions in any case, long white space,
    // letters and digits of other scripts, symbols outside the BMP.
    texts.add("IT'S WE'RE they'LL I'M she'D you'VE".repeat(50));
    texts.add(" ".repeat(5000) + "x" + "\n\n\r\n".repeat(2000) + "\t y");
    texts.add("数学题：求 x² + 2x + 1 = 0 的解。🙂🙂 ١٢٣ ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢".repeat(30));
    assertThat(texts).hasSizeGreaterThan(200);

    HfTokenizer tok = (HfTokenizer) Tokenizers.open(file.toString());
    try {
      List<TokenOffsets> expected = new ArrayList<>();
      for (String t : texts) {
        expected.add(tok.encodeWithOffsets(t));
      }
      assertThat(tok.handlesOpened()).isEqualTo(1);

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> done = new ArrayList<>();
      for (int w = 0; w < THREADS; w++) {
        int offset = w * 37;
        done.add(pool.submit(() -> {
          start.await();
          int checked = 0;
          for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < texts.size(); i++) {
              int k = (i + offset) % texts.size();
              TokenOffsets got = tok.encodeWithOffsets(texts.get(k));
              assertThat(got.ids()).as("text %d", k).isEqualTo(expected.get(k).ids());
              assertThat(got.starts()).isEqualTo(expected.get(k).starts());
              checked++;
            }
          }
          return checked;
        }));
      }
      start.countDown();
      int checked = 0;
      for (Future<Integer> f : done) {
        checked += f.get();
      }
      pool.shutdown();
      assertThat(checked).isEqualTo(THREADS * ROUNDS * texts.size());
      // Threads that tokenized at once had handles of their own, never more than one each.
      assertThat(tok.handlesOpened()).isBetween(2, THREADS);
    } finally {
      tok.close();
    }
    assertThat(tok.handlesOpened()).isZero();
    // Closed is not broken: the next call opens a handle again.
    assertThat(tok.encode("again")).isNotEmpty();
    tok.close();
  }

  /**
   * Closing the tokenizer while a call is in the native library (a run stopping on an error while
   * workers still tokenize) used to free the handle under that call; now the call finishes and
   * its handle is closed when it comes back.
   */
  @Test
  void closingWhileACallRunsWaitsForThatCallsHandle() throws Exception {
    Path file = TestData.file("tokenizers/qwen3/tokenizer.json");
    String text = "Solve 12 + 30 = ? The answer is \\boxed{42}. 数学 🙂\n".repeat(40_000);
    HfTokenizer reference = (HfTokenizer) Tokenizers.open(file.toString());
    int[] expected;
    try {
      expected = reference.encode(text);
    } finally {
      reference.close();
    }

    HfTokenizer tok = (HfTokenizer) Tokenizers.open(file.toString());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<int[]> call = pool.submit(() -> tok.encode(text));
      while (tok.handlesBusy() == 0 && !call.isDone()) {
        Thread.onSpinWait();
      }
      tok.close();
      assertThat(call.get()).isEqualTo(expected);
      assertThat(tok.handlesOpened()).isZero();
    } finally {
      pool.shutdown();
      tok.close();
    }
  }
}
