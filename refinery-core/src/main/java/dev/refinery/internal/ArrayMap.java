package dev.refinery.internal;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An unmodifiable map over a key array (which many maps may share: every record of one Parquet
 * group) and a value array of its own, in key order. Cheaper to build than a LinkedHashMap on a
 * hot path (a Parquet record read, a filter's scores of a row); equal to any other map with the
 * same entries. The arrays are the caller's, not copied: neither may change afterwards.
 */
public final class ArrayMap<V> extends AbstractMap<String, V> implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String[] keys;
  private final V[] values;
  /** Key to slot, for wide groups only (null when a scan is cheaper). */
  private final Map<String, Integer> index;

  /** {@code index}: key to slot, for wide maps; null when scanning the keys is cheaper. */
  public ArrayMap(String[] keys, V[] values, Map<String, Integer> index) {
    this.keys = keys;
    this.values = values;
    this.index = index;
  }

  private int slot(Object key) {
    if (index != null) {
      Integer i = index.get(key);
      return i == null ? -1 : i;
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public V get(Object key) {
    int i = slot(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return slot(key) >= 0;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean isEmpty() {
    return keys.length == 0;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super V> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public Iterator<Entry<String, V>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Entry<String, V> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }
    };
  }
}
