package io.onnxq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.testutil.TinyVit;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCheckerTest {
  private static final ModelProto OK =
      TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 1);

  private static void assertProblem(ModelProto m, String fragment) {
    List<String> p = ModelChecker.check(m);
    assertTrue(
        p.stream().anyMatch(s -> s.contains(fragment)), "expected '" + fragment + "' in " + p);
  }

  @Test
  void exportedModelPasses() {
    assertEquals(List.of(), ModelChecker.check(OK));
  }

  @Test
  void duplicateNodeNames() {
    var g = OK.getGraph().toBuilder();
    g.setNode(1, g.getNode(1).toBuilder().setName(g.getNode(0).getName()));
    assertProblem(OK.toBuilder().setGraph(g).build(), "is used twice");
  }

  @Test
  void undefinedInputAndUnproducedOutput() {
    var g = OK.getGraph().toBuilder();
    NodeProto last = g.getNode(g.getNodeCount() - 1);
    g.setNode(g.getNodeCount() - 1, last.toBuilder().setInput(0, "ghost").setOutput(0, "other"));
    ModelProto m = OK.toBuilder().setGraph(g).build();
    assertProblem(m, "reads undefined 'ghost'");
    assertProblem(m, "graph output 'logits' is never produced");
  }

  @Test
  void customDomainNeedsImportAndFunction() {
    var g =
        OK.getGraph().toBuilder()
            .addNode(
                NodeProto.newBuilder()
                    .setName("c")
                    .setOpType("Foo")
                    .setDomain("com.onnxq")
                    .addInput("input")
                    .addOutput("foo"));
    ModelProto m = OK.toBuilder().setGraph(g).build();
    assertProblem(m, "no opset import");
    assertProblem(m, "has no function");
  }

  @Test
  void payloadMustMatchShape() {
    TensorProto bad =
        Tensors.nibbles("w4", TensorProto.DataType.UINT4, new byte[5], 5).toBuilder()
            .addDims(2)
            .build();
    ModelProto m = OK.toBuilder().setGraph(OK.getGraph().toBuilder().addInitializer(bad)).build();
    assertProblem(m, "holds 3 bytes, its shape needs 5");
  }
}
