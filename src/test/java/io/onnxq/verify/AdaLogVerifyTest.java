package io.onnxq.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.model.Tensors;
import io.onnxq.ops.AdaLogDequantizeOp;
import io.onnxq.ops.AdaLogQuantizeOp;
import io.onnxq.ops.CustomOp;
import io.onnxq.ops.CustomOps;
import io.onnxq.proto.Onnx;
import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.testutil.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `onnxq verify` on X -> AdaLogQuantize(16) -> AdaLogDequantize chains. */
class AdaLogVerifyTest {
  @TempDir Path dir;

  private final Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("adalog");
  private int calls;

  private void node(
      String op, String domain, List<String> in, String out, Onnx.AttributeProto... attrs) {
    g.addNode(
        Onnx.NodeProto.newBuilder()
            .setName("n" + g.getNodeCount())
            .setOpType(op)
            .setDomain(domain)
            .addAllInput(in)
            .addOutput(out)
            .addAllAttribute(List.of(attrs)));
  }

  private void call(CustomOp op, List<String> in, String out) {
    g.addNode(op.call("call" + calls++, in, List.of(out)));
  }

  /** x -> quantize (op, a) -> dequantize (table) -> graph output y; constants as initializers. */
  private void chain(
      String x, AdaLogQuantizeOp op, AdaLogQuantizer a, boolean unshifted, String tag) {
    g.addInitializer(Tensors.floats(tag + "_h", new float[] {a.shift()}));
    g.addInitializer(Tensors.floats(tag + "_s", new float[] {a.scale()}));
    g.addInitializer(Tensors.floats(tag + "_thr", a.thresholds(), a.levels()));
    float[] table = unshifted ? a.tableUnshifted() : a.table();
    g.addInitializer(Tensors.floats(tag + "_table", table, table.length));
    call(op, List.of(x, tag + "_h", tag + "_s", tag + "_thr"), tag + "_k");
    call(new AdaLogDequantizeOp(), List.of(tag + "_k", tag + "_table"), tag + "_y");
    g.addOutput(valueInfo(tag + "_y"));
  }

  /** No dims: shape left unknown. */
  private static Onnx.ValueInfoProto valueInfo(String name, long... dims) {
    Onnx.TypeProto.Tensor.Builder t = Onnx.TypeProto.Tensor.newBuilder().setElemType(1);
    Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(
          d < 0
              ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
              : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    if (dims.length > 0) t.setShape(s);
    return Onnx.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(Onnx.TypeProto.newBuilder().setTensorType(t))
        .build();
  }

  private Onnx.ModelProto model() {
    return Onnx.ModelProto.newBuilder()
        .setIrVersion(CustomOps.IR_VERSION)
        .setProducerName("onnxq-test")
        .addAllOpsetImport(CustomOps.modelOpsetImports())
        .addAllFunctions(CustomOps.all().stream().map(CustomOp::function).toList())
        .setGraph(g)
        .build();
  }

  private Map<String, Verifier.OpResult> verify() {
    Dataset data = TestData.random(dir, 12, 4, 16);
    return new Verifier(5, Progress.SILENT)
        .verify(model(), data).stream()
            .collect(Collectors.toMap(Verifier.OpResult::op, Function.identity()));
  }

  @Test
  void postSoftmaxAndPostGeluChainsVerifyExactly() {
    g.addInput(valueInfo("x", -1, 4, 16));
    node(
        "Softmax",
        "",
        List.of("x"),
        "p",
        Onnx.AttributeProto.newBuilder()
            .setName("axis")
            .setType(Onnx.AttributeProto.AttributeType.INT)
            .setI(-1)
            .build());
    chain("p", AdaLogQuantizeOp.U8, AdaLogQuantizer.postSoftmax(4, 41), false, "sm");
    node("Gelu", "", List.of("x"), "gelu");
    chain("gelu", AdaLogQuantizeOp.U16, AdaLogQuantizer.postGelu(8, 3f, 29), true, "gelu8");
    chain("gelu", AdaLogQuantizeOp.U8, AdaLogQuantizer.postGelu(6, 3f, 53), false, "gelu6");

    Map<String, Verifier.OpResult> r = verify();
    assertEquals(
        List.of(2, 1, 3),
        List.of(
            r.get(AdaLogQuantizeOp.NAME).calls(),
            r.get(AdaLogQuantizeOp.NAME16).calls(),
            r.get(AdaLogDequantizeOp.NAME).calls()));
    for (Verifier.OpResult op : r.values()) {
      assertEquals(12L * 4 * 16 * op.calls(), op.elements(), op.op());
      assertEquals(0, op.mismatches(), op.op() + " differs from its kernel: " + op);
    }
  }

  @Test
  void narrowCarrierWithEightBitCodesIsReported() {
    // masked code 256 wraps to 0 in uint8: the verifier must flag it (negative x is always masked)
    g.addInput(valueInfo("x", -1, 4, 16));
    chain("x", AdaLogQuantizeOp.U8, AdaLogQuantizer.postSoftmax(8, 37), false, "bad");
    Verifier.OpResult q = verify().get(AdaLogQuantizeOp.NAME);
    assertTrue(q.mismatches() > 0 && q.maxAbsDiff() == 256, q.toString());
  }
}
