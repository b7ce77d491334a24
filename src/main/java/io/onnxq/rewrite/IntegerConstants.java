package io.onnxq.rewrite;

import io.onnxq.model.Graph;
import io.onnxq.model.Tensors;
import io.onnxq.proto.Onnx.TensorProto.DataType;

/** Named constant initializers for custom-op inputs. */
final class IntegerConstants {
  private final Graph g;

  IntegerConstants(Graph g) {
    this.g = g;
  }

  String uint8(String base, int v) {
    String n = g.uniqueName(base);
    g.putInitializer(Tensors.bytes(n, DataType.UINT8, new byte[] {(byte) v}));
    return n;
  }

  String uint8s(String base, int[] v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
    String n = g.uniqueName(base);
    g.putInitializer(Tensors.bytes(n, DataType.UINT8, b, v.length));
    return n;
  }

  String int64(String base, long v) {
    String n = g.uniqueName(base);
    g.putInitializer(Tensors.int64s(n, new long[] {v}));
    return n;
  }

  String int32(String base, int v) {
    String n = g.uniqueName(base);
    g.putInitializer(Tensors.int32s(n, new int[] {v}));
    return n;
  }

  String float32(String base, float v) {
    String n = g.uniqueName(base);
    g.putInitializer(Tensors.floats(n, new float[] {v}));
    return n;
  }

  String floats(String base, float[] v) {
    String n = g.uniqueName(base);
    g.putInitializer(Tensors.floats(n, v, v.length));
    return n;
  }
}
