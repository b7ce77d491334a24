package io.onnxq.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.Progress;
import io.onnxq.calib.TapInserter;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.calib.search.SimilarityGrid;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.model.OnnxModel;
import io.onnxq.model.Tensors;
import io.onnxq.ort.OrtModel;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import io.onnxq.recipe.LowBit;
import io.onnxq.recipe.PtqVit;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.W8A8;
import io.onnxq.recipe.WeightRange;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --bias-correction on the observer and similarity recipes: every linear bias is corrected, the
 * mean error vanishes.
 */
class BiasCorrectionTest {
  @TempDir Path dir;

  private static Converter.Result convert(Recipe r, ModelProto fp32, Dataset data) {
    return new Converter(r, Settings.DEFAULTS, Progress.SILENT)
        .convert(new OnnxModel(fp32), data, "tiny");
  }

  /** Uniform low-bit (unsigned inputs) and the similarity search's signed per-tensor grids. */
  @ParameterizedTest
  @ValueSource(strings = {"lowbit", "similarity"})
  void correctedBiasesCancelEachLayersMeanOutputError(String recipe) {
    ModelProto fp32 = TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2);
    Dataset data = TestData.random(dir, 32, 3, 8, 8);
    Recipe chosen =
        recipe.equals("lowbit")
            ? new LowBit(ObserverKind.MINMAX, WeightRange.REDUCED, 4, 4, false, true)
            : new PtqVit(4, 4, SimilarityGrid.PAPER, false, true);
    Converter.Result c = convert(chosen, fp32, data);
    QuantPlan plan = c.plan();
    assertEquals(
        9,
        plan.replacements().size(),
        "2 blocks x 4 linears + head (the patch-embed Conv is left)");

    // The head (a Gemm with transB) on its FP32 input: quantized input and weight on the planned
    // grids plus the corrected bias must match FP32 on average per class; the plain bias must not.
    OnnxModel m = new OnnxModel(fp32);
    LinearLayer head = VitPatternFinder.find(m.graph()).linears(LinearLayer.Role.HEAD).get(0);
    Batches.Batch b = new Batches(data, data.size()).load(0);
    float[] x;
    try (OrtModel f = new OrtModel(TapInserter.withOutputs(fp32, List.of(head.input())))) {
      x =
          f.run(b.data(), data.sampleShape(), b.count(), List.of(head.input()))
              .get(head.input())
              .floats();
    }
    float[] w = Tensors.toFloats(m.graph().initializer(head.weight()).orElseThrow());
    float[] bias = Tensors.toFloats(m.graph().initializer(head.bias()).orElseThrow());
    float[] corrected = plan.replacements().get(head.bias());
    float[] wq = plan.weight(head.weight()).weight().dequantize();
    QuantParams p = plan.uniform(head.input());
    int out = bias.length;
    int in = w.length / out;
    int rows = x.length / in;
    double[] plainErr = new double[out];
    double[] correctedErr = new double[out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double y = bias[o];
        double yq = 0;
        for (int i = 0; i < in; i++) {
          float xi = x[r * in + i];
          y += (double) xi * w[o * in + i];
          yq +=
              (double) UniformQuantizer.fakeQuant(xi, p.scale(0), p.zeroPoint(0), p.range())
                  * wq[o * in + i];
        }
        plainErr[o] += (yq + bias[o] - y) / rows;
        correctedErr[o] += (yq + corrected[o] - y) / rows;
      }
    }
    double plain = 0;
    for (int o = 0; o < out; o++) {
      assertEquals(0, correctedErr[o], 1e-4, "class " + o);
      plain = Math.max(plain, Math.abs(plainErr[o]));
    }
    assertTrue(plain > 1e-3, "W4A4 leaves a systematic head error to correct: " + plain);
  }

  @Test
  void w8a8WithoutTheFlagIsUnchanged() {
    ModelProto fp32 = TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 1);
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    Converter.Result a = convert(W8A8.defaults(), fp32, data);
    Converter.Result b =
        convert(new W8A8(ObserverKind.MINMAX, WeightRange.REDUCED, false), fp32, data);
    assertEquals(a.model(), b.model());
    assertTrue(
        convert(new W8A8(ObserverKind.MINMAX, WeightRange.REDUCED, true), fp32, data)
                .plan()
                .replacements()
                .size()
            > 0);
  }
}
