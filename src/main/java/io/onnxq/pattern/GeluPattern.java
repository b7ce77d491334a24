package io.onnxq.pattern;

import io.onnxq.model.Node;
import java.util.List;

/**
 * GELU in any exported form; {@code form} is "erf", "tanh", "sigmoid" (x * sigmoid(1.702 x)) or
 * "op".
 */
public record GeluPattern(List<Node> nodes, String input, String output, String form) {}
