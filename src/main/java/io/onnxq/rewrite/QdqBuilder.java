package io.onnxq.rewrite;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.Tensors;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.QuantizedWeight;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inserts QuantizeLinear / DequantizeLinear nodes and their scale and zero-point initializers.
 * A tensor quantized twice with the same parameters shares one Q node.
 */
public final class QdqBuilder {
  private final Graph g;
  private final Map<String, String> quantized = new HashMap<>();
  private final Map<String, String> fakeQuantized = new HashMap<>();

  public QdqBuilder(Graph g) {
    this.g = g;
  }

  public Graph graph() { return g; }

  /** QuantizeLinear(tensor) -> the name of the integer tensor. */
  public String quantize(String tensor, QuantParams p) {
    return quantized.computeIfAbsent(tensor, t -> {
      String[] sz = scaleAndZero(t, p);
      String q = g.uniqueName(t + "_q");
      Node n = g.add("QuantizeLinear", List.of(t, sz[0], sz[1]), List.of(q));
      if (p.isPerChannel()) n.setIntAttr("axis", p.axis());
      return q;
    });
  }

  /** DequantizeLinear(qTensor) with the params it was quantized with. */
  public String dequantize(String qTensor, QuantParams p, String base) {
    String[] sz = scaleAndZero(base, p);
    String dq = g.uniqueName(base + "_dq");
    Node n = g.add("DequantizeLinear", List.of(qTensor, sz[0], sz[1]), List.of(dq));
    if (p.isPerChannel()) n.setIntAttr("axis", p.axis());
    return dq;
  }

  /** Q then DQ of a float tensor (shared per tensor); returns the dequantized name. */
  public String fakeQuantize(String tensor, QuantParams p) {
    return fakeQuantized.computeIfAbsent(tensor, t -> dequantize(quantize(t, p), p, t));
  }

  /** Routes the given consumers of {@code tensor} through its Q/DQ pair. */
  public void quantizeFor(String tensor, QuantParams p, Set<Node> consumers) {
    String dq = fakeQuantize(tensor, p);
    for (Node c : consumers) {
      for (int i = 0; i < c.inputCount(); i++) if (c.input(i).equals(tensor)) g.setInput(c, i, dq);
    }
  }

  /** Replaces a float weight initializer by its integer codes and a DequantizeLinear. */
  public String quantizedWeight(String weight, QuantizedWeight w, Node consumer, int inputIndex) {
    String codes = g.uniqueName(weight + "_quantized");
    DataType type = w.range().signed() ? DataType.INT8 : DataType.UINT8;
    g.putInitializer(Tensors.bytes(codes, type, w.codes(), w.shape()));
    String dq = dequantize(codes, w.params(), weight);
    g.setInput(consumer, inputIndex, dq);
    return dq;
  }

  /** Scale (float32) and zero point (8-bit, typed like the integer range) initializers. */
  public String[] scaleAndZero(String base, QuantParams p) {
    String s = g.uniqueName(base + "_scale");
    String z = g.uniqueName(base + "_zero_point");
    IntRange r = p.range();
    DataType zt = r.signed() ? DataType.INT8 : DataType.UINT8;
    int n = p.channels();
    byte[] zb = new byte[n];
    for (int i = 0; i < n; i++) zb[i] = (byte) p.zeroPoint(i);
    if (p.isPerChannel()) {
      g.putInitializer(Tensors.floats(s, p.scale(), n));
      g.putInitializer(Tensors.bytes(z, zt, zb, n));
    } else {
      g.putInitializer(Tensors.floats(s, new float[] {p.scale(0)}));
      g.putInitializer(Tensors.bytes(z, zt, zb));
    }
    return new String[] {s, z};
  }
}
