package io.onnxq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.onnxq.pattern.GeluPattern;
import io.onnxq.quant.Gelu;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntGeluGridsTest {
  private static final IntRange U8 = IntRange.uint(8);
  private static final GeluPattern GELU = new GeluPattern(List.of(), "fc1_out", "gelu_out", "erf");

  private static QuantPlan.Builder plan(float inLo, float inHi, float outHi) {
    return new QuantPlan.Builder("percentile")
        .activation("fc1_out", "fc1.output", grid(inLo, inHi), true)
        .activation("gelu_out", "fc2.input", grid(-0.17f, outHi), true);
  }

  private static ActivationQuant grid(float lo, float hi) {
    return ActivationQuant.Uniform.perTensor(UniformQuantizer.asymmetric(lo, hi, U8), 8);
  }

  private static float[] range(QuantParams p) {
    return new float[] {-p.zeroPoint(0) * p.scale(0), (255 - p.zeroPoint(0)) * p.scale(0)};
  }

  @Test
  void inputReachesTheOutputsTopAndStopsWhereGeluIsFlat() {
    QuantPlan.Builder b = plan(-11f, 2.5f, 5f);
    ActivationQuant out = b.plannedActivation("gelu_out").quant();
    IntGeluGrids.apply(b, GELU);
    float[] in = range(b.plannedActivation("fc1_out").quant().uniformParams());
    float step = (5f - Gelu.FLAT_BELOW) / 255;
    assertEquals(Gelu.FLAT_BELOW, in[0], step, "bottom");
    assertEquals(5f, in[1], step, "top: the GELU output's, not fc1's clipped 2.5");
    assertSame(out, b.plannedActivation("gelu_out").quant(), "the output grid is the observer's");
  }

  @Test
  void aWiderInputTopIsKeptAndANarrowRangeIsLeftAlone() {
    QuantPlan.Builder wide = plan(-11f, 9f, 5f);
    IntGeluGrids.apply(wide, GELU);
    float[] in = range(wide.plannedActivation("fc1_out").quant().uniformParams());
    assertEquals(9f, in[1], 0.06f);

    QuantPlan.Builder narrow = plan(-3f, 6f, 5f);
    ActivationQuant before = narrow.plannedActivation("fc1_out").quant();
    IntGeluGrids.apply(narrow, GELU);
    assertSame(before, narrow.plannedActivation("fc1_out").quant());
  }
}
