package io.onnxq.calib.search;

import io.onnxq.quant.QuantParams;

/**
 * Result of {@link LinearSearch}: per-output-channel asymmetric weight params (axis 1 of a MatMul
 * weight [in, out], unsigned grid) and the input activation quantizer. {@code outputMse} is the
 * mean squared error of the quantized layer output against FP32 on the search's activation sample.
 */
public record LinearChoice(QuantParams weight, ActivationChoice activation, double outputMse) {}
