package io.onnxq.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.Progress;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.OnnxModel;
import io.onnxq.ops.CustomOps;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.recipe.Emit;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import io.onnxq.verify.Verifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * --pts / --lis conversions: stock ORT runs them, verify finds no mismatch, inline == functions.
 */
class FqVitConversionTest {
  @TempDir Path dir;

  private static Converter.Result convert(ModelProto fp32, Dataset data, Recipe o) {
    return convert(fp32, data, o, Settings.DEFAULTS);
  }

  private static Converter.Result convert(
      ModelProto fp32, Dataset data, Recipe o, Settings settings) {
    return new Converter(o, settings, Progress.SILENT).convert(new OnnxModel(fp32), data, "tiny");
  }

  private static long count(ModelProto m, String op) {
    return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).filter(op::equals).count();
  }

  @ParameterizedTest
  @CsvSource({"DECOMPOSED, minmax", "FUSED, ema", "DECOMPOSED, percentile", "FUSED, omse"})
  void ptsLisConvertsAndVerifiesExactly(TinyVit.Norm norm, String method) {
    ModelProto fp32 = TinyVit.build(norm, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2);
    Dataset data = TestData.random(dir, 24, 3, 8, 8);
    Recipe o = FqVit.of(ObserverKind.parse(method), true, true);
    ModelProto q = convert(fp32, data, o).model();

    assertEquals(5, count(q, "PtsLayerNorm"), "every LayerNorm is integer");
    assertEquals(2, count(q, "LogIntSoftmax"));
    assertEquals(2, count(q, "LogIntAttnMatMul"));
    assertEquals(
        0,
        count(q, "Softmax") + count(q, "LayerNormalization") + count(q, "ReduceMean") - 1,
        "no float Softmax/LayerNorm left (one ReduceMean is the mean-pool head)");
    assertEquals(
        21,
        q.getOpsetImportList().stream()
            .filter(x -> x.getDomain().isEmpty())
            .findFirst()
            .orElseThrow()
            .getVersion());
    assertEquals(3, q.getFunctionsCount());

    List<Verifier.OpResult> r = new Verifier(8, Progress.SILENT).verify(q, data);
    assertEquals(3, r.size());
    for (Verifier.OpResult op : r) {
      assertTrue(op.elements() > 0, op.op());
      assertEquals(0, op.mismatches(), op.op() + " differs from its kernel: " + op);
    }
    assertTrue(new Evaluator(8, Progress.SILENT).evaluate(q, fp32, data).meanCosine() > 0.9);
  }

  @Test
  void inlineEmitIsBitIdenticalToFunctions() {
    ModelProto fp32 =
        TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.DIV_AFTER, 2);
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    Recipe o = FqVit.of(ObserverKind.MINMAX, true, true);
    ModelProto functions = convert(fp32, data, o).model();
    ModelProto inline = convert(fp32, data, o, Settings.DEFAULTS.withEmit(Emit.INLINE)).model();

    assertEquals(0, inline.getFunctionsCount());
    assertTrue(
        inline.getOpsetImportList().stream()
            .noneMatch(x -> x.getDomain().equals(CustomOps.DOMAIN)));
    assertTrue(
        inline.getGraph().getNodeList().stream()
            .noneMatch(n -> n.getDomain().equals(CustomOps.DOMAIN)));

    Batches.Batch b = new Batches(data, 16).load(0);
    float[] a;
    float[] c;
    try (OrtModel f = new OrtModel(functions);
        OrtModel i = new OrtModel(inline)) {
      a = f.run(b.data(), data.sampleShape(), b.count(), List.of("logits")).get("logits").floats();
      c = i.run(b.data(), data.sampleShape(), b.count(), List.of("logits")).get("logits").floats();
    }
    assertArrayEquals(a, c, 0f, "inline and function models must give identical outputs");
  }

  @Test
  void ptsAloneKeepsFloatSoftmaxWithUint8Probabilities() {
    ModelProto fp32 =
        TinyVit.build(TinyVit.Norm.DECOMPOSED, TinyVit.Gelu.TANH, TinyVit.Scale.SPLIT_QK, 1);
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    ModelProto q = convert(fp32, data, FqVit.of(ObserverKind.MINMAX, true, false)).model();
    assertEquals(3, count(q, "PtsLayerNorm"));
    assertEquals(1, count(q, "Softmax"));
    assertEquals(0, count(q, "LogIntSoftmax"));
  }
}
