package io.onnxq.data;

import io.onnxq.OnnxqException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Walks a Dataset in batches of up to {@code batchSize} samples (the last one may be smaller), each
 * packed as one contiguous [n, sampleShape...] float array ready for an ORT tensor.
 *
 * <p>Samples of a batch are loaded on two threads, because JPEG decoding plus resizing costs about
 * as much as a CPU inference step; each sample is written to its own slot, so the result does not
 * depend on thread timing. Every sample is checked to be finite (see {@link #checkFinite}).
 */
public final class Batches implements Iterable<Batches.Batch> {
  // Shared daemon threads: no shutdown needed, and they never keep the JVM alive.
  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "onnxq-data-loader");
            t.setDaemon(true);
            return t;
          });

  private final Dataset dataset;
  private final int batchSize;

  public Batches(Dataset dataset, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive: " + batchSize);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
  }

  /**
   * One batch: samples [start, start + count) of the dataset.
   *
   * @param data count x sampleLength floats, sample-major
   * @param shape {count, sampleShape...}, as ORT wants it
   * @param labels the samples' labels, or null when the dataset has none
   */
  public record Batch(int start, int count, float[] data, long[] shape, long[] labels) {}

  /**
   * Refuses a sample holding NaN or +-Infinity: one such value poisons every statistic it reaches
   * (calibration ranges, PTF factors, logits), so it is reported where it enters, for every command
   * that reads data through batches.
   */
  public static void checkFinite(Dataset dataset, int index, float[] sample) {
    for (int k = 0; k < sample.length; k++) {
      if (!Float.isFinite(sample[k])) {
        String name = dataset.sampleName(index);
        throw new OnnxqException(
            "sample "
                + index
                + (name.equals("#" + index) ? "" : " (" + name + ")")
                + " holds a non-finite value ("
                + sample[k]
                + " at element "
                + k
                + "); calibration and evaluation data must be finite");
      }
    }
  }

  public int batchCount() {
    return (dataset.size() + batchSize - 1) / batchSize;
  }

  /** Loads the batch that starts at sample {@code start}. */
  public Batch load(int start) {
    int n = Math.min(batchSize, dataset.size() - start);
    if (start < 0 || n <= 0) {
      throw new IndexOutOfBoundsException("batch at " + start + " of " + dataset.size());
    }
    int[] sampleShape = dataset.sampleShape();
    int len = dataset.sampleLength();
    if ((long) len * n > Integer.MAX_VALUE - 8) {
      throw new OnnxqException("batch of " + n + " samples is too large; use a smaller batch size");
    }
    float[] data = new float[len * n];
    List<Future<?>> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int slot = i;
      jobs.add(
          POOL.submit(
              () -> {
                float[] s = dataset.sample(start + slot);
                if (s.length != len) {
                  throw new OnnxqException(
                      dataset.sampleName(start + slot)
                          + " has "
                          + s.length
                          + " values, expected "
                          + len);
                }
                checkFinite(dataset, start + slot, s);
                System.arraycopy(s, 0, data, slot * len, len);
              }));
    }
    try {
      for (Future<?> f : jobs) {
        f.get();
      }
    } catch (ExecutionException e) {
      jobs.forEach(f -> f.cancel(false));
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new OnnxqException("loading samples failed: " + c, c);
    } catch (InterruptedException e) {
      jobs.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new OnnxqException("interrupted while loading samples", e);
    }
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = n;
    for (int i = 0; i < sampleShape.length; i++) {
      shape[i + 1] = sampleShape[i];
    }
    long[] labels = null;
    if (dataset.hasLabels()) {
      labels = new long[n];
      for (int i = 0; i < n; i++) {
        labels[i] = dataset.label(start + i);
      }
    }
    return new Batch(start, n, data, shape, labels);
  }

  @Override
  public Iterator<Batch> iterator() {
    return new Iterator<>() {
      private int next = 0;

      @Override
      public boolean hasNext() {
        return next < dataset.size();
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Batch b = load(next);
        next += b.count();
        return b;
      }
    };
  }
}
