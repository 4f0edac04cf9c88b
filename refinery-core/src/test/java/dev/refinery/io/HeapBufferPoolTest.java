package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HeapBufferPoolTest {
  @Test
  void aReleasedArrayIsLentAgainOnceAndOnlyWhatWasLentComesBack() {
    HeapBufferPool pool = new HeapBufferPool(1000);
    ByteBuffer a = pool.allocate(400);
    assertThat(a.remaining()).isEqualTo(400);
    assertThat(a.capacity()).isEqualTo(400);
    pool.release(a);
    pool.release(a.duplicate()); // released twice: still lent out once only
    pool.release(ByteBuffer.allocate(400)); // never lent: not taken
    assertThat(pool.idleBytes()).isEqualTo(400);

    ByteBuffer b = pool.allocate(300);
    assertThat(b.array()).isSameAs(a.array());
    assertThat(b.remaining()).isEqualTo(300);
    ByteBuffer c = pool.allocate(300);
    assertThat(c.array()).isNotSameAs(a.array());
    assertThat(pool.allocate(100).array().length).isEqualTo(100); // no 400-byte array for it
  }

  @Test
  void atMostTheCapacityWaitsIdle() {
    HeapBufferPool pool = new HeapBufferPool(1000);
    ByteBuffer a = pool.allocate(600);
    ByteBuffer b = pool.allocate(600);
    pool.release(a);
    pool.release(b);
    assertThat(pool.idleBytes()).isEqualTo(600);
  }
}
