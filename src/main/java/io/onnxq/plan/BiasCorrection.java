package io.onnxq.plan;

import io.onnxq.calib.ActivationCapture;
import io.onnxq.calib.ActivationCapture.Captured;
import io.onnxq.calib.search.LinearSearch;
import io.onnxq.calib.search.Mat;
import io.onnxq.pattern.LinearLayer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bias correction (Liu et al. 2021) for the linears an observer plan quantized: the
 * per-output-channel mean of (quantized output - FP32 output) over calibration token rows, which
 * holds all three error terms E[X e_W] + E[e_X W] + E[e_X e_W] since both the input and the weight
 * are quantized on their planned grids, is subtracted from the bias. One extra pass captures the
 * FP32 inputs. Layers without a bias, a uniform input grid or a MatMul/Gemm form (the patch
 * embedding's Conv) are left as planned.
 */
final class BiasCorrection {
  /** Token rows kept per linear input. */
  static final int MAX_ROWS = 4096;

  private BiasCorrection() {}

  static void apply(PlanInput in, QuantPlan.Builder plan) {
    List<LinearLayer> layers = new ArrayList<>();
    Set<String> inputs = new LinkedHashSet<>();
    for (LinearLayer l : in.structure().linears()) {
      if (l.bias() == null || l.node().is("Conv") || plan.plannedWeight(l.weight()) == null)
        continue;
      ActivationEntry x = plan.plannedActivation(l.input());
      if (x == null
          || !(x.quant() instanceof ActivationQuant.Uniform u)
          || u.params().isPerChannel()) continue;
      layers.add(l);
      inputs.add(l.input());
    }
    if (layers.isEmpty()) return;
    Map<String, Captured> cap =
        ActivationCapture.run(
            in.fp32(),
            new ArrayList<>(inputs),
            List.of(),
            in.calib(),
            in.batchSize(),
            MAX_ROWS,
            0,
            in.progress());
    for (LinearLayer l : layers) {
      Captured x = cap.get(l.input());
      int n = x.lastDim();
      float[] w = plan.current(in.graph(), l.weight());
      int out = w.length / n;
      boolean transposed = l.outAxis() == 0; // Gemm transB: stored [out, in]
      float[] wq = plan.plannedWeight(l.weight()).weight().dequantize();
      float[] wio = transposed ? Mat.transpose(w, out, n) : w;
      float[] wqio = transposed ? Mat.transpose(wq, out, n) : wq;
      ActivationQuant.Uniform u =
          (ActivationQuant.Uniform) plan.plannedActivation(l.input()).quant();
      float[] err =
          LinearSearch.meanOutputError(x.data(), x.rows(), wio, wqio, n, out, u.params(), MAX_ROWS);
      plan.replace(l.bias(), subtract(plan.current(in.graph(), l.bias()), err));
    }
    in.progress().info("bias correction: " + layers.size() + " linear layers");
  }

  /** bias - meanError, per output channel. */
  static float[] subtract(float[] bias, float[] meanError) {
    float[] corrected = new float[bias.length];
    for (int i = 0; i < bias.length; i++) corrected[i] = bias[i] - meanError[i];
    return corrected;
  }
}
