package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Tap;
import io.onnxq.model.Tensors;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.plan.ActivationQuant;
import io.onnxq.plan.QuantPlan;
import io.onnxq.plan.WeightEntry;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantizedWeight;
import io.onnxq.quant.WeightQuantizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QdqLinearRewriteTest {
  @TempDir Path dir;

  static WeightEntry int8(RuleFixture f, LinearLayer l) {
    TensorProto w = f.graph().initializer(l.weight()).orElseThrow();
    QuantizedWeight q =
        WeightQuantizer.quantizePerChannel(
            Tensors.toFloats(w), Tensors.shape(w), l.outAxis(), IntRange.sintNarrow(8));
    return new WeightEntry(l.weight(), "test", q, 8, "minmax");
  }

  private static TensorProto initializer(ModelProto m, String name) {
    return m.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  @Test
  void plannedWeightsAndInputsGoThroughTheirGrids() {
    RuleFixture f = new RuleFixture(dir);
    List<LinearLayer> linears = f.structure.linears();
    LinearLayer unplanned = f.structure.linears(LinearLayer.Role.HEAD).get(0);
    CalibrationStats stats =
        f.stats(linears.stream().map(l -> new Tap(l.input(), false)).toArray(Tap[]::new));
    QuantPlan.Builder b = new QuantPlan.Builder("test");
    for (LinearLayer l : linears) {
      if (l == unplanned) continue;
      b.weight(int8(f, l)).activation(l.input(), "test", f.uint8(stats, l.input()), false);
    }
    QuantPlan plan = b.build();

    ModelProto q = f.rewrite(plan, new QdqLinearRewrite());

    for (LinearLayer l : linears) {
      NodeProto n = RuleFixture.producer(q, l.node().output(0));
      if (l == unplanned) {
        assertEquals(
            l.weight(), n.getInput(1), "a linear without a plan entry keeps its float weight");
        continue;
      }
      NodeProto wdq = RuleFixture.producer(q, n.getInput(1));
      assertEquals("DequantizeLinear", wdq.getOpType());
      long[] codes = Tensors.toLongs(initializer(q, wdq.getInput(0)));
      byte[] planned = plan.weight(l.weight()).weight().codes();
      long[] expected = new long[planned.length];
      for (int i = 0; i < planned.length; i++) expected[i] = planned[i];
      assertArrayEquals(expected, codes, l.name() + ": the planned codes, unchanged");
      NodeProto xdq = RuleFixture.producer(q, n.getInput(0));
      assertEquals("DequantizeLinear", xdq.getOpType());
      NodeProto xq = RuleFixture.producer(q, xdq.getInput(0));
      assertEquals(List.of("QuantizeLinear", l.input()), List.of(xq.getOpType(), xq.getInput(0)));
    }
    assertTrue(f.cosine(q) > 0.99, "logit cosine " + f.cosine(q));
  }

  @Test
  void aWeightWhoseOutputIsPerChannelIsDequantizedOutsideOrtsFusions() {
    RuleFixture f = new RuleFixture(dir);
    LinearLayer proj = f.structure.blocks().get(0).proj();
    CalibrationStats stats = f.stats(new Tap(proj.output(), true));
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .weight(int8(f, proj))
            .activation(
                proj.output(),
                "test",
                new ActivationQuant.Ptf(stats.ptf(proj.output(), IntRange.uint(8)), 3),
                false)
            .build();

    ModelProto q = f.rewrite(plan, new QdqLinearRewrite());

    NodeProto w =
        RuleFixture.producer(q, RuleFixture.producer(q, proj.node().output(0)).getInput(1));
    assertEquals(
        "Mul",
        w.getOpType(),
        "(codes - z) * s in standard ops, not a DequantizeLinear ORT would fuse");
    assertEquals(0, RuleFixture.count(q, "DequantizeLinear"));
    assertTrue(f.cosine(q) > 0.99, "logit cosine " + f.cosine(q));
  }
}
