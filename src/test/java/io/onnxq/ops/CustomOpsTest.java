package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.proto.Onnx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CustomOpsTest {

  @Test
  void functionsAreWellFormed() {
    assertEquals(
        List.of(
            "LogIntSoftmax",
            "LogIntAttnMatMul",
            "PtsLayerNorm",
            "AdaLogQuantize",
            "AdaLogQuantize16",
            "AdaLogDequantize",
            "IntGelu",
            "GeluTable"),
        CustomOps.all().stream().map(CustomOp::name).toList());
    for (CustomOp op : CustomOps.all()) {
      Onnx.FunctionProto f = op.function();
      assertEquals(op.name(), f.getName());
      assertEquals(CustomOps.DOMAIN, f.getDomain());
      assertEquals(CustomOp.names(op.inputs()), f.getInputList());
      assertEquals(CustomOp.names(op.outputs()), f.getOutputList());
      assertEquals(0, f.getAttributeCount(), "bodies take tensor inputs only");
      assertEquals(List.of(CustomOps.opset("", CustomOps.ONNX_OPSET)), f.getOpsetImportList());
      Set<String> names = new HashSet<>(f.getInputList());
      for (Onnx.NodeProto n : f.getNodeList()) {
        assertTrue(n.getDomain().isEmpty(), "bodies use ai.onnx only");
        for (String in : n.getInputList()) {
          // "" is an omitted optional input (MatMulInteger's A zero point)
          assertTrue(
              in.isEmpty() || names.contains(in),
              op.name() + ": " + in + " used before definition");
        }
        for (String out : n.getOutputList()) {
          assertTrue(names.add(out), op.name() + ": duplicate value " + out);
        }
      }
      assertTrue(names.containsAll(f.getOutputList()));
      assertEquals(op, CustomOps.byName(op.name()));
    }
  }
}
