package io.onnxq.plan;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Calibrator;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.GeluPattern;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.VitStructure;
import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.PtfParams;
import io.onnxq.quant.QuantParams;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.LowBit;
import io.onnxq.recipe.W8A8;
import io.onnxq.recipe.WeightRange;

/**
 * The observer path (W8A8, FQ-ViT, uniform low-bit): places quantizers from the structure, streams
 * the calibration data through the tapped model once, and takes every activation grid from its
 * observer; weights get MinMax grids per output channel.
 */
public final class ObserverPlanner implements Planner {
  private final ObserverKind observer;
  private final Placement.Config placement;
  private final WeightRange int8;
  private final int weightBits;
  private final boolean biasCorrection;

  private ObserverPlanner(
      ObserverKind observer,
      Placement.Config placement,
      WeightRange int8,
      int weightBits,
      boolean biasCorrection) {
    this.observer = observer;
    this.placement = placement;
    this.int8 = int8;
    this.weightBits = weightBits;
    this.biasCorrection = biasCorrection;
  }

  public static ObserverPlanner of(W8A8 r) {
    return new ObserverPlanner(
        r.observer(),
        new Placement.Config(8, false, false, Placement.Probs.UNIFORM, 8),
        r.weightRange(),
        8,
        r.biasCorrection());
  }

  public static ObserverPlanner of(FqVit r) {
    Placement.Probs probs =
        r.logIntSoftmax() ? Placement.Probs.LOG_INT_SOFTMAX : Placement.Probs.UNIFORM;
    return new ObserverPlanner(
        r.observer(),
        new Placement.Config(8, true, r.pts(), probs, r.attnBits(), r.gelu()),
        r.weightRange(),
        8,
        r.biasCorrection());
  }

  public static ObserverPlanner of(LowBit r) {
    Placement.Probs probs = r.log2Probs() ? Placement.Probs.LOG2 : Placement.Probs.UNIFORM;
    return new ObserverPlanner(
        r.observer(),
        new Placement.Config(r.aBits(), false, false, probs, r.aBits()),
        r.weightRange(),
        r.wBits(),
        r.biasCorrection());
  }

  @Override
  public QuantPlan plan(PlanInput in) {
    VitStructure s = in.structure();
    Placement placed = Placement.of(s, placement, in);
    in.progress()
        .info(
            String.format(
                "found %d blocks, %d linear layers; calibrating %d activations on %d samples",
                s.blocks().size(), s.linears().size(), placed.sites().size(), in.calib().size()));
    CalibrationStats stats =
        new Calibrator(observer, in.batchSize(), in.progress())
            .run(in.fp32(), placed.taps(), in.calib());
    QuantPlan.Builder plan = new QuantPlan.Builder(observer.cliName());
    for (Placement.Site site : placed.sites()) {
      long[] shape = stats.shape(site.observed());
      QuantParams perTensor = stats.params(site.observed(), site.range());
      ActivationQuant q =
          switch (site.grid()) {
            case PTF ->
                new ActivationQuant.Ptf(stats.ptf(site.observed(), site.range()), shape.length);
            case PTF_PER_TENSOR ->
                new ActivationQuant.Ptf(
                    PtfParams.perTensor(perTensor, (int) shape[shape.length - 1]), shape.length);
            case PER_TENSOR -> ActivationQuant.Uniform.perTensor(perTensor, bits(site.range()));
          };
      plan.activation(site.tensor(), site.role(), q, placement.fullPlacement());
    }
    for (GeluPattern gelu : placed.intGelus()) {
      IntGeluGrids.apply(plan, gelu);
      plan.intGelu(gelu.output(), placement.gelu());
    }
    for (Attention a : s.attentions()) {
      if (placement.probs() == Placement.Probs.LOG_INT_SOFTMAX) {
        plan.activation(
            a.probs(),
            "attn.probs (log2 codes)",
            new ActivationQuant.LogIntCodes(placement.probsBits()),
            false,
            "integer softmax");
      } else if (placement.probs() == Placement.Probs.LOG2) {
        AdaLogQuantizer log2 =
            AdaLogQuantizer.postSoftmax(placement.actBits(), AdaLogQuantizer.LOG2_Q);
        plan.activation(
            a.probs(), "attn.probs (log2)", new ActivationQuant.Log(log2), false, "log2");
      }
    }
    for (LinearLayer l : s.linears()) {
      if (in.keptFloat(l)) continue;
      int b = in.ownBits(l).orElse(weightBits);
      // Below 8 bits asymmetric unsigned per channel; 8 bits the recipe's symmetric int8 grid.
      IntRange r = b < 8 ? IntRange.uint(b) : int8.int8();
      plan.weight(WeightPlanning.minMax(in.graph(), plan, l, r, b));
    }
    if (biasCorrection) BiasCorrection.apply(in, plan);
    return plan.build();
  }

  /** Bits of an unsigned activation grid [0, 2^n - 1]. */
  private static int bits(IntRange r) {
    return Integer.numberOfTrailingZeros(r.levels());
  }
}
