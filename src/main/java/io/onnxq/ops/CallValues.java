package io.onnxq.ops;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.Tensors;
import io.onnxq.ort.OrtModel.Output;
import java.util.function.Function;

/**
 * The values of one custom-op call during a check: constants from the graph, activations from what
 * ORT computed (tapped outputs).
 */
public final class CallValues {
  private final Node call;
  private final Graph graph;
  private final Function<String, Output> tapped;

  public CallValues(Node call, Graph graph, Function<String, Output> tapped) {
    this.call = call;
    this.graph = graph;
    this.tapped = tapped;
  }

  /** Input i as computed by ORT. */
  Output input(int i) {
    return tapped.apply(call.input(i));
  }

  Output output(int i) {
    return tapped.apply(call.output(i));
  }

  /** A scalar constant input. */
  long scalar(int i) {
    return Tensors.toLongs(graph.constant(call.input(i)).orElseThrow())[0];
  }

  long[] longs(int i) {
    return Tensors.toLongs(graph.constant(call.input(i)).orElseThrow());
  }

  float[] floats(int i) {
    return Tensors.toFloats(graph.constant(call.input(i)).orElseThrow());
  }

  /** Integer input i, from the graph when it is a constant, else from ORT. */
  int[] ints(int i) {
    return graph
        .constant(call.input(i))
        .map(c -> narrow(Tensors.toLongs(c)))
        .orElseGet(() -> narrow(input(i).ints()));
  }

  static byte[] bytes(Output o) {
    byte[] b = new byte[o.ints().length];
    for (int i = 0; i < b.length; i++) b[i] = (byte) o.ints()[i];
    return b;
  }

  static long[] widen(byte[] b) {
    long[] v = new long[b.length];
    for (int i = 0; i < b.length; i++) v[i] = b[i] & 0xff;
    return v;
  }

  static long[] widen(int[] a) {
    long[] v = new long[a.length];
    for (int i = 0; i < a.length; i++) v[i] = a[i];
    return v;
  }

  static int[] narrow(long[] a) {
    int[] v = new int[a.length];
    for (int i = 0; i < v.length; i++) v[i] = (int) a[i];
    return v;
  }

  static int lastDim(Output o) {
    return (int) o.shape()[o.shape().length - 1];
  }
}
