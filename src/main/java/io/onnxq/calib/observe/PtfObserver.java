package io.onnxq.calib.observe;

import io.onnxq.OnnxqException;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.PowerOfTwoFactor;
import io.onnxq.quant.PtfParams;

/**
 * Observer for LayerNorm inputs quantized with FQ-ViT's power-of-two factor. The global range comes
 * from the base method (so {@code --method ema} also drives PTF), and a row sample supplies the
 * per-channel MSE that picks each channel's factor. Non-finite values are skipped by both: the base
 * observer ignores them, and rows holding one are not sampled (see {@link RowSampler}).
 */
public final class PtfObserver implements Observer {
  private final Observer base;
  private final RowSampler rows;

  public PtfObserver(ObserverKind baseKind) {
    this(baseKind.create(), RowSampler.DEFAULT_MAX_ROWS, OmseObserver.DEFAULT_SEED);
  }

  public PtfObserver(Observer base, int maxRows, long seed) {
    this.base = base;
    this.rows = new RowSampler(maxRows, seed);
  }

  @Override
  public void update(float[] data, int rows, int channels) {
    base.update(data, rows, channels);
    this.rows.update(data, rows, channels);
  }

  /** The base method's global range (per-tensor fallback when PTF is not applied). */
  @Override
  public ValueRange range(IntRange range) {
    return base.range(range);
  }

  public PtfParams ptfParams(IntRange range) {
    ValueRange g = base.range(range);
    if (rows.rows() == 0) {
      throw new OnnxqException(
          "PTF observer saw no rows without non-finite values; feed at least one batch of finite data");
    }
    return PowerOfTwoFactor.compute(
        g.min(), g.max(), rows.data(), rows.rows(), rows.channels(), range);
  }

  public RowSampler rowSampler() {
    return rows;
  }

  @Override
  public String name() {
    return "ptf-" + base.name();
  }
}
