package io.onnxq.plan;

import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.quant.PtfParams;
import io.onnxq.quant.QuantParams;
import java.util.Locale;

/** How one activation tensor is quantized, with its nominal bit width. */
public sealed interface ActivationQuant {

  /** Nominal bit width (what a size budget counts), not the carrier's. */
  int bits();

  /** The grid in words, for reports. */
  String grid();

  /** The tensor's rank where per-axis constants need it (Uniform, Ptf), else -1. */
  default int rank() {
    return -1;
  }

  /** Scale(s) for reports; null where the quantizer has none. */
  float[] scales();

  /** Zero point(s) for reports; null where the quantizer has none. */
  default int[] zeroPoints() {
    return null;
  }

  /**
   * Uniform affine grid, per tensor or per axis (per head).
   *
   * @param rank the tensor's rank where the params are per axis (per-axis constants need it), else
   *     -1
   */
  record Uniform(QuantParams params, int bits, int rank) implements ActivationQuant {
    public Uniform {
      if (params.isPerChannel() && rank <= params.axis()) {
        throw new IllegalArgumentException(
            "per-axis params on axis " + params.axis() + " need the tensor's rank");
      }
    }

    public static Uniform perTensor(QuantParams params, int bits) {
      return new Uniform(params, bits, -1);
    }

    @Override
    public String grid() {
      return params.range() + (params.isPerChannel() ? " per axis " + params.axis() : "");
    }

    @Override
    public float[] scales() {
      return params.scale();
    }

    @Override
    public int[] zeroPoints() {
      return params.zeroPoint();
    }
  }

  /** FQ-ViT power-of-two factors per channel of the last axis (the LayerNorm inputs under PTS). */
  record Ptf(PtfParams params, int rank) implements ActivationQuant {
    @Override
    public int bits() {
      return Integer.numberOfTrailingZeros(params.range().levels());
    }

    /** The same grid as plain per-channel params along the last axis. */
    public QuantParams asQuantParams() {
      return params.toQuantParams(rank - 1);
    }

    @Override
    public String grid() {
      return params.range() + " per channel, power-of-two factors";
    }

    @Override
    public float[] scales() {
      return params.channelScales();
    }

    @Override
    public int[] zeroPoints() {
      return new int[] {params.zeroPoint()};
    }
  }

  /** AdaLog (or fixed log2) codes in place of a uniform grid. */
  record Log(AdaLogQuantizer quantizer) implements ActivationQuant {
    @Override
    public int bits() {
      return quantizer.bits();
    }

    @Override
    public String grid() {
      return String.format(
          Locale.ROOT,
          "adalog %d-bit, base 2^(%d/%d), shift %s",
          quantizer.bits(),
          quantizer.q(),
          AdaLogQuantizer.R,
          quantizer.shift());
    }

    @Override
    public float[] scales() {
      return new float[] {quantizer.scale()};
    }
  }

  /**
   * Attention probabilities as the integer softmax's log2 codes (FQ-ViT LIS), made from the logits'
   * grid.
   */
  record LogIntCodes(int bits) implements ActivationQuant {
    @Override
    public String grid() {
      return "log2 codes, " + bits + "-bit (integer softmax)";
    }

    @Override
    public float[] scales() {
      return null;
    }
  }

  /** The uniform grid of a Uniform or PTF quantizer; null for log codes. */
  default QuantParams uniformParams() {
    if (this instanceof Uniform u) return u.params();
    if (this instanceof Ptf p) return p.asQuantParams();
    return null;
  }
}
