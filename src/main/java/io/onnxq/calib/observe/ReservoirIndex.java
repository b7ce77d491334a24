package io.onnxq.calib.observe;

import java.util.SplittableRandom;

/**
 * Which slot of a size-k reservoir each stream item goes to (Vitter/Li "Algorithm L"): a uniform
 * sample of the whole stream in O(k) memory, drawing random numbers only for accepted items.
 * Seeded, so a calibration run is reproducible.
 */
final class ReservoirIndex {
  private final int capacity;
  private final SplittableRandom random;
  private long seen;
  private long next;
  private double w;

  ReservoirIndex(int capacity, long seed) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("reservoir capacity " + capacity + " <= 0");
    }
    this.capacity = capacity;
    this.random = new SplittableRandom(seed);
  }

  /** Slot for the next stream item, or -1 to drop it. Call exactly once per item. */
  int offer() {
    long i = seen++;
    if (i < capacity) {
      if (i == capacity - 1) {
        w = Math.exp(Math.log(uniform()) / capacity);
        next = i + skip() + 1;
      }
      return (int) i;
    }
    if (i != next) {
      return -1;
    }
    int slot = random.nextInt(capacity);
    w *= Math.exp(Math.log(uniform()) / capacity);
    next = i + skip() + 1;
    return slot;
  }

  /** Items currently held: min(seen, capacity). */
  int size() {
    return (int) Math.min(seen, capacity);
  }

  long seen() {
    return seen;
  }

  private long skip() {
    double d = Math.log(uniform()) / Math.log1p(-w);
    // w can underflow to 0 (or d be huge) after astronomically many items: then never sample again.
    return Double.isFinite(d) && d < Long.MAX_VALUE / 4 ? (long) Math.floor(d) : Long.MAX_VALUE / 4;
  }

  private double uniform() {
    return 1.0 - random.nextDouble(); // (0, 1]: log never sees 0
  }
}
