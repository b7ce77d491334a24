package io.onnxq.testutil;

import io.onnxq.model.Tensors;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.OperatorSetIdProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.TensorShapeProto;
import io.onnxq.proto.Onnx.TypeProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.List;
import java.util.Random;

/** Builds small ONNX models for tests, node by node. */
public final class ModelBuilder {
  private final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
  private final long opset;
  private int counter;
  private final Random rnd = new Random(1);

  public ModelBuilder(long opset) {
    this.opset = opset;
  }

  public ModelBuilder input(String name, long... shape) {
    g.addInput(valueInfo(name, shape));
    return this;
  }

  public ModelBuilder output(String name, long... shape) {
    g.addOutput(valueInfo(name, shape));
    return this;
  }

  private static ValueInfoProto valueInfo(String name, long... shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : shape) {
      s.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)))
        .build();
  }

  public String init(String name, float[] data, int... shape) {
    g.addInitializer(Tensors.floats(name, data, shape));
    return name;
  }

  public String randomInit(String name, float std, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * std);
    return init(name, v, shape);
  }

  public String scalar(float v) {
    return init("c" + counter++, new float[] {v});
  }

  public String ints(long... v) {
    String name = "i" + counter++;
    g.addInitializer(Tensors.int64s(name, v, v.length));
    return name;
  }

  /** Adds a node and returns its (first) output name. */
  public String node(String op, List<String> inputs, AttributeProto... attrs) {
    String out = op.toLowerCase() + "_" + counter++;
    g.addNode(
        NodeProto.newBuilder()
            .setOpType(op)
            .setName("n" + counter)
            .addAllInput(inputs)
            .addOutput(out)
            .addAllAttribute(List.of(attrs)));
    return out;
  }

  public String node(String op, String... inputs) {
    return node(op, List.of(inputs));
  }

  public static AttributeProto intAttr(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  public static AttributeProto intsAttr(String name, long... v) {
    AttributeProto.Builder b =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) b.addInts(x);
    return b.build();
  }

  public static AttributeProto floatAttr(String name, float v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(v)
        .build();
  }

  /** Renames the last node's output (to wire graph outputs). */
  public ModelBuilder rename(String from, String to) {
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      NodeProto.Builder b = n.toBuilder().clearInput().clearOutput();
      for (String s : n.getInputList()) b.addInput(s.equals(from) ? to : s);
      for (String s : n.getOutputList()) b.addOutput(s.equals(from) ? to : s);
      g.setNode(i, b);
    }
    return this;
  }

  public ModelProto build() {
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("onnxq-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g)
        .build();
  }

  public static TensorProto.DataType floatType() {
    return TensorProto.DataType.FLOAT;
  }
}
