package io.onnxq.plan;

import io.onnxq.quant.QuantizedWeight;

/**
 * One quantized weight initializer: its integer codes and per-channel grid, decided in planning.
 *
 * @param bits nominal bit width
 * @param chosenBy how the grid was chosen, for reports (e.g. {@code minmax (per channel)})
 */
public record WeightEntry(
    String initializer, String role, QuantizedWeight weight, int bits, String chosenBy) {}
