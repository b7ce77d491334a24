package io.onnxq.calib.observe;

import io.onnxq.OnnxqException;
import java.util.Arrays;

/**
 * Bounded, seeded reservoir of whole rows (rows x channels, channel last). Per-channel statistics
 * such as PTF's per-channel MSE need values that co-occur in real rows, so rows are kept intact.
 *
 * <p>Rows holding a non-finite value (NaN, +-Infinity) are skipped, as {@link Observer} documents
 * for all observers: they are not offered to the reservoir, so they never displace a finite row and
 * the sample is the same as if they had not been fed.
 */
public final class RowSampler {
  public static final int DEFAULT_MAX_ROWS = 4096;

  private final int maxRows;
  private final ReservoirIndex index;
  private int channels = -1;
  private float[] rows = new float[0];

  public RowSampler(int maxRows, long seed) {
    this.maxRows = maxRows;
    this.index = new ReservoirIndex(maxRows, seed);
  }

  public void update(float[] data, int rows, int channels) {
    ObserverSupport.size(data, rows, channels);
    if (this.channels == -1) {
      this.channels = channels;
    } else if (this.channels != channels) {
      throw new OnnxqException(
          "channel count changed from "
              + this.channels
              + " to "
              + channels
              + " between calibration batches");
    }
    for (int r = 0; r < rows; r++) {
      if (!finiteRow(data, r * channels, channels)) {
        continue;
      }
      int slot = index.offer();
      if (slot >= 0) {
        long need = (long) (slot + 1) * channels;
        if (need > this.rows.length) {
          long grown = Math.max(need, Math.min((long) maxRows * channels, 2L * this.rows.length));
          this.rows = Arrays.copyOf(this.rows, Math.toIntExact(grown));
        }
        System.arraycopy(data, r * channels, this.rows, slot * channels, channels);
      }
    }
  }

  private static boolean finiteRow(float[] data, int off, int channels) {
    for (int c = 0; c < channels; c++) {
      if (!Float.isFinite(data[off + c])) {
        return false;
      }
    }
    return true;
  }

  /** Rows currently held; never exceeds maxRows. */
  public int rows() {
    return index.size();
  }

  public int maxRows() {
    return maxRows;
  }

  /** Channel count, or -1 before the first batch. */
  public int channels() {
    return channels;
  }

  /** Copy of the sampled rows, rows() x channels(), row-major. */
  public float[] data() {
    return channels < 0 ? new float[0] : Arrays.copyOf(this.rows, rows() * channels);
  }
}
