package io.onnxq.calib.search;

import io.onnxq.quant.AdaLogQuantizer;

/** AdaLog quantizer picked by a search (per tensor). */
public record AdaLogChoice(int bits, int q, float s, float h) implements ActivationChoice {

  public AdaLogQuantizer quantizer() {
    return new AdaLogQuantizer(bits, s, q, h);
  }

  /** Convenience only: builds the tables on every call, use {@link #quantizer()} in loops. */
  @Override
  public float fakeQuant(float x) {
    return quantizer().fakeQuant(x);
  }

  static AdaLogChoice of(AdaLogQuantizer a) {
    return new AdaLogChoice(a.bits(), a.q(), a.scale(), a.shift());
  }
}
