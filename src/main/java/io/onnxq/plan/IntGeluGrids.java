package io.onnxq.plan;

import io.onnxq.pattern.GeluPattern;
import io.onnxq.quant.Gelu;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;

/**
 * The input grid of an integer GELU (fc1's output), from the observer grids of its input and of its
 * output (fc2's input); the output keeps its observer grid.
 *
 * <p>Its top is the higher of the two observers' tops: fc1's outputs are mostly negative, so a
 * clipping observer (Percentile, OMSE) can put fc1's top below that of the GELU output it feeds,
 * where GELU(x) = x, and an integer GELU would lose every input above it (a float GELU never sees
 * that clip). On DeiT-Tiny with Percentile the two tops came out nearly equal. Its bottom is no
 * lower than {@link Gelu#FLAT_BELOW}, where GELU is flat: the levels go where it bends.
 */
final class IntGeluGrids {

  private IntGeluGrids() {}

  static void apply(QuantPlan.Builder plan, GeluPattern g) {
    ActivationEntry in = plan.plannedActivation(g.input());
    ActivationEntry out = plan.plannedActivation(g.output());
    QuantParams p = in.quant().uniformParams();
    IntRange r = p.range();
    float lo = (r.qmin() - p.zeroPoint(0)) * p.scale(0);
    float hi = (r.qmax() - p.zeroPoint(0)) * p.scale(0);
    QuantParams o = out.quant().uniformParams();
    float outHi = (o.range().qmax() - o.zeroPoint(0)) * o.scale(0);
    float top = Math.max(hi, outHi);
    float bottom = Math.max(lo, Gelu.FLAT_BELOW);
    if (top <= 0 || (top == hi && bottom == lo)) return;
    plan.activation(
        in.tensor(),
        in.role(),
        ActivationQuant.Uniform.perTensor(
            UniformQuantizer.asymmetric(bottom, top, r), in.quant().bits()),
        in.everyConsumer(),
        in.chosenBy() + ", range [" + bottom + ", " + top + "] for GELU");
  }
}
