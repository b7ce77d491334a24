package io.onnxq.calib.search;

/** Activation quantizer picked by a search: uniform (per tensor or per head) or AdaLog. */
public sealed interface ActivationChoice permits UniformChoice, AdaLogChoice {

  /** Fake quantization of one value of group 0 (the whole tensor for per-tensor choices). */
  float fakeQuant(float x);
}
