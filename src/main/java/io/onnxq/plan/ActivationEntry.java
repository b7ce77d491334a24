package io.onnxq.plan;

/**
 * One quantized activation.
 *
 * @param role what the tensor is in the network (e.g. {@code fc2.input}), for reports
 * @param everyConsumer every consumer reads the quantized value (FQ-ViT placement); otherwise only
 *     the quantized ops that take the tensor as an operand do
 * @param chosenBy how the grid was chosen (observer, search, fixed), for reports
 */
public record ActivationEntry(
    String tensor, String role, ActivationQuant quant, boolean everyConsumer, String chosenBy) {}
