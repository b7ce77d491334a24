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
 * Inserts QuantizeLinear / DequantizeLinear nodes and their scale and zero-point initializers. A
 * tensor quantized twice with the same parameters shares one Q node.
 */
public final class QdqBuilder {
  private final Graph g;
  private final boolean packLowBitWeights;
  private final Map<String, String> quantized = new HashMap<>();
  private final Map<String, String> fakeQuantized = new HashMap<>();
  private final Map<String, Integer> ranks = new HashMap<>();

  public QdqBuilder(Graph g) {
    this(g, false);
  }

  /**
   * @param packLowBitWeights store weights of at most 4 bits as INT4/UINT4 (needs opset 21)
   */
  public QdqBuilder(Graph g, boolean packLowBitWeights) {
    this.g = g;
    this.packLowBitWeights = packLowBitWeights;
  }

  /**
   * QuantizeLinear(tensor) -> the name of the integer tensor. A grid narrower than its 8-bit
   * carrier (n-bit activations) is enforced by clipping the float input to the grid's real range
   * first, which equals clamping the codes.
   */
  public String quantize(String tensor, QuantParams params) {
    // ORT fuses Q nodes into integer kernels that take only per-tensor output grids; a per-channel
    // grid whose channels agree is written per tensor
    QuantParams p = params.collapsed();
    return quantized.computeIfAbsent(
        tensor,
        t -> {
          String in = narrowerThanCarrier(p.range()) ? clipToGrid(t, p) : t;
          String[] sz = scaleAndZero(t, p, activationCarrier(p.range()));
          String q = g.uniqueName(t + "_q");
          Node n = g.add("QuantizeLinear", List.of(in, sz[0], sz[1]), List.of(q));
          if (p.isPerChannel()) n.setIntAttr("axis", p.axis());
          return q;
        });
  }

  private static boolean narrowerThanCarrier(IntRange r) {
    return r.signed() ? r.qmin() > -128 || r.qmax() < 127 : r.qmin() > 0 || r.qmax() < 255;
  }

  /** Max/Min against the real bounds (q_min - z) s and (q_max - z) s, per channel if needed. */
  private String clipToGrid(String t, QuantParams p) {
    int n = p.channels();
    float[] lo = new float[n];
    float[] hi = new float[n];
    for (int c = 0; c < n; c++) {
      lo[c] = (p.range().qmin() - p.zeroPoint(c)) * p.scale(c);
      hi[c] = (p.range().qmax() - p.zeroPoint(c)) * p.scale(c);
    }
    int[] shape = broadcastShape(t, p);
    String loName = g.uniqueName(t + "_clip_min");
    String hiName = g.uniqueName(t + "_clip_max");
    g.putInitializer(Tensors.floats(loName, lo, shape));
    g.putInitializer(Tensors.floats(hiName, hi, shape));
    String a = g.uniqueName(t + "_clipped_low");
    g.add("Max", List.of(t, loName), List.of(a));
    String b = g.uniqueName(t + "_clipped");
    g.add("Min", List.of(a, hiName), List.of(b));
    return b;
  }

  /**
   * Shape of per-element constants (clip bounds, scales) that broadcast from the right against the
   * tensor: [] per tensor, [C, 1, ..., 1] up to the last axis per channel.
   */
  private int[] broadcastShape(String tensor, QuantParams p) {
    if (!p.isPerChannel()) return new int[0];
    int[] shape = new int[rank(tensor) - p.axis()];
    java.util.Arrays.fill(shape, 1);
    shape[0] = p.channels();
    return shape;
  }

  /** Declares a tensor's rank, needed for per-axis constants of that tensor. */
  public void declareRank(String tensor, int rank) {
    ranks.put(tensor, rank);
  }

  private int rank(String tensor) {
    Integer r = ranks.get(tensor);
    if (r == null) throw new IllegalStateException("rank of " + tensor + " was not declared");
    return r;
  }

  /** DequantizeLinear(qTensor) with the params it was quantized with. */
  public String dequantize(String qTensor, QuantParams p, String base) {
    return dequantize(qTensor, p, base, activationCarrier(p.range()));
  }

  private String dequantize(String qTensor, QuantParams p, String base, DataType carrier) {
    return dequantizeTo(qTensor, p, base, carrier, g.uniqueName(base + "_dq"));
  }

  private String dequantizeTo(
      String qTensor, QuantParams p, String base, DataType carrier, String dq) {
    String[] sz = scaleAndZero(base, p, carrier);
    Node n = g.add("DequantizeLinear", List.of(qTensor, sz[0], sz[1]), List.of(dq));
    if (p.isPerChannel()) n.setIntAttr("axis", p.axis());
    return dq;
  }

  /**
   * (q - z) * s spelled as Cast, Sub, Mul: the same float32 value DequantizeLinear produces, in a
   * form ORT's QDQ fusions do not match. Used for per-channel activations (PTS residuals): ORT
   * fuses DQ -> Add -> Q into QLinearAdd without checking that the DQ is per tensor, then fails.
   */
  public String dequantizeUnfused(String qTensor, QuantParams p, String base) {
    return dequantizeUnfusedTo(qTensor, p, base, g.uniqueName(base + "_dq"));
  }

  /** {@link #dequantizeUnfused} writing the given tensor. */
  public String dequantizeUnfusedTo(String qTensor, QuantParams p, String base, String dq) {
    String scale = g.uniqueName(base + "_scale");
    String zero = g.uniqueName(base + "_zero_point_f");
    int n = p.channels();
    float[] z = new float[n];
    for (int i = 0; i < n; i++) z[i] = p.zeroPoint(i);
    int[] shape = broadcastShape(base, p);
    g.putInitializer(Tensors.floats(scale, p.scale(), shape));
    g.putInitializer(Tensors.floats(zero, z, shape));
    String f = g.uniqueName(base + "_as_float");
    g.add("Cast", List.of(qTensor), List.of(f)).setIntAttr("to", DataType.FLOAT_VALUE);
    String centered = g.uniqueName(base + "_centered");
    g.add("Sub", List.of(f, zero), List.of(centered));
    g.add("Mul", List.of(centered, scale), List.of(dq));
    return dq;
  }

  /** Q then DQ of a float tensor (shared per tensor); returns the dequantized name. */
  public String fakeQuantize(String tensor, QuantParams p) {
    return fakeQuantized.computeIfAbsent(
        tensor,
        t ->
            p.isPerChannel()
                ? dequantizeUnfused(quantize(t, p), p, t)
                : dequantize(quantize(t, p), p, t));
  }

  /**
   * Records that {@code tensor} already exists in integer form {@code qTensor} (produced by an
   * integer op) and that {@code tensor} itself is its dequantized value: later rules reuse both.
   */
  public void registerQuantized(String tensor, String qTensor) {
    quantized.put(tensor, qTensor);
    fakeQuantized.put(tensor, tensor);
  }

  /** Q/DQ of a float tensor for all of its consumers (the producer side stays float). */
  public void quantizeAllConsumers(String tensor, QuantParams p) {
    if (fakeQuantized.containsKey(tensor) && fakeQuantized.get(tensor).equals(tensor)) return;
    if (g.isGraphOutput(tensor)) {
      // Keep the public output name: the float value moves to an inner name, the DQ writes the
      // output.
      String inner = g.uniqueName(tensor + "_float");
      g.renameTensor(tensor, inner);
      dequantizeTo(quantize(inner, p), p, tensor, activationCarrier(p.range()), tensor);
      registerQuantized(tensor, quantized.get(inner));
      return;
    }
    String dq = fakeQuantize(tensor, p);
    g.rewire(tensor, dq, Set.of(g.producer(quantized.get(tensor))));
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
    return placeWeight(weight, w, consumer, inputIndex, false);
  }

  /**
   * The same weight codes, dequantized in the standard-op form ORT does not fuse ({@link
   * #dequantizeUnfused}).
   */
  public String quantizedWeightUnfused(
      String weight, QuantizedWeight w, Node consumer, int inputIndex) {
    return placeWeight(weight, w, consumer, inputIndex, true);
  }

  private String placeWeight(
      String weight, QuantizedWeight w, Node consumer, int inputIndex, boolean unfused) {
    String codes = g.uniqueName(weight + "_quantized");
    DataType type = weightCarrier(w.range());
    g.putInitializer(
        isNibble(type)
            ? Tensors.nibbles(codes, type, w.codes(), w.shape())
            : Tensors.bytes(codes, type, w.codes(), w.shape()));
    String dq =
        unfused
            ? dequantizeUnfused(codes, w.params(), weight)
            : dequantize(codes, w.params(), weight, type);
    g.setInput(consumer, inputIndex, dq);
    return dq;
  }

  /** Scale (float32) and zero point (8-bit, typed like the integer range) initializers. */
  public String[] scaleAndZero(String base, QuantParams p) {
    return scaleAndZero(base, p, activationCarrier(p.range()));
  }

  private String[] scaleAndZero(String base, QuantParams p, DataType zt) {
    String s = g.uniqueName(base + "_scale");
    String z = g.uniqueName(base + "_zero_point");
    int n = p.channels();
    byte[] zb = new byte[n];
    for (int i = 0; i < n; i++) zb[i] = (byte) p.zeroPoint(i);
    boolean nibble = isNibble(zt);
    if (p.isPerChannel()) {
      g.putInitializer(Tensors.floats(s, p.scale(), n));
      g.putInitializer(nibble ? Tensors.nibbles(z, zt, zb, n) : Tensors.bytes(z, zt, zb, n));
    } else {
      g.putInitializer(Tensors.floats(s, new float[] {p.scale(0)}));
      g.putInitializer(nibble ? Tensors.nibbles(z, zt, zb) : Tensors.bytes(z, zt, zb));
    }
    return new String[] {s, z};
  }

  /** Activations always travel in 8-bit carriers (n-bit grids are clipped inside them). */
  private static DataType activationCarrier(IntRange r) {
    return r.signed() ? DataType.INT8 : DataType.UINT8;
  }

  /** Weights of at most 4 bits are stored as INT4/UINT4 when packing is on (opset 21). */
  private DataType weightCarrier(IntRange r) {
    boolean fits4 = r.signed() ? r.qmin() >= -8 && r.qmax() <= 7 : r.qmax() <= 15;
    if (packLowBitWeights && fits4) return r.signed() ? DataType.INT4 : DataType.UINT4;
    return activationCarrier(r);
  }

  private static boolean isNibble(DataType t) {
    return t == DataType.UINT4 || t == DataType.INT4;
  }
}
