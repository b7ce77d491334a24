package io.onnxq.rewrite;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Calibrator;
import io.onnxq.calib.Progress;
import io.onnxq.calib.Tap;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.Graph;
import io.onnxq.model.OnnxModel;
import io.onnxq.ops.CustomOps;
import io.onnxq.ort.OrtModel;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.pattern.VitStructure;
import io.onnxq.plan.ActivationQuant;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.recipe.Emit;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import io.onnxq.verify.Verifier;
import java.nio.file.Path;
import java.util.List;

/**
 * A two-block tiny ViT, its structure, and what a rule test needs around one rule: MinMax grids of
 * named tensors, the rewrite with only the rules under test, and the rewritten model run in ORT.
 */
final class RuleFixture {
  final ModelProto fp32;
  final OnnxModel model;
  final VitStructure structure;
  final Dataset data;

  RuleFixture(Path dir) {
    this(dir, TinyVit.Gelu.ERF);
  }

  RuleFixture(Path dir, TinyVit.Gelu gelu) {
    fp32 = TinyVit.build(TinyVit.Norm.FUSED, gelu, TinyVit.Scale.MUL_Q, 2);
    model = new OnnxModel(fp32);
    structure = VitPatternFinder.find(model.graph());
    data = TestData.random(dir, 16, 3, 8, 8);
  }

  Graph graph() {
    return model.graph();
  }

  /** MinMax statistics of the given taps over the data. */
  CalibrationStats stats(Tap... taps) {
    return new Calibrator(ObserverKind.MINMAX, 8, Progress.SILENT).run(fp32, List.of(taps), data);
  }

  /** A per-tensor uint8 MinMax grid of each tensor. */
  ActivationQuant.Uniform uint8(CalibrationStats stats, String tensor) {
    QuantParams p = stats.params(tensor, IntRange.uint(8));
    return ActivationQuant.Uniform.perTensor(p, 8);
  }

  ActivationQuant.Uniform uint8(String tensor) {
    return uint8(stats(new Tap(tensor, false)), tensor);
  }

  /** Applies only {@code rules} for the plan, then the rewriter's opset/dead-code/check step. */
  ModelProto rewrite(QuantPlan plan, Rewrite... rules) {
    return ModelRewriter.rewrite(model, structure, plan, Emit.FUNCTIONS, List.of(rules));
  }

  /** Mean logit cosine of a rewritten model against the FP32 one (ORT at full optimisation). */
  double cosine(ModelProto q) {
    return new Evaluator(8, Progress.SILENT).evaluate(q, fp32, data).meanCosine();
  }

  float[] logits(ModelProto m) {
    Batches.Batch b = new Batches(data, 16).load(0);
    try (OrtModel ort = new OrtModel(m)) {
      return ort.run(b.data(), data.sampleShape(), b.count(), List.of("logits"))
          .get("logits")
          .floats();
    }
  }

  /** verify: every custom-op call recomputed by its Java kernel, with no element differing. */
  void assertKernelsExact(ModelProto q) {
    for (Verifier.OpResult r : new Verifier(8, Progress.SILENT).verify(q, data)) {
      if (r.elements() == 0 || r.mismatches() != 0) throw new AssertionError("kernel check: " + r);
    }
  }

  static long count(ModelProto m, String opType) {
    return m.getGraph().getNodeList().stream()
        .map(NodeProto::getOpType)
        .filter(opType::equals)
        .count();
  }

  static long customOps(ModelProto m) {
    return m.getGraph().getNodeList().stream()
        .filter(n -> n.getDomain().equals(CustomOps.DOMAIN))
        .count();
  }

  /** The node of a rewritten model that writes {@code tensor}. */
  static NodeProto producer(ModelProto m, String tensor) {
    return m.getGraph().getNodeList().stream()
        .filter(n -> n.getOutputList().contains(tensor))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing writes " + tensor));
  }

  static List<NodeProto> consumers(ModelProto m, String tensor) {
    return m.getGraph().getNodeList().stream()
        .filter(n -> n.getInputList().contains(tensor))
        .toList();
  }
}
