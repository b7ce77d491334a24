package io.onnxq.eval;

import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.util.Arrays;
import java.util.List;

/** Batch-1 ORT latency at full optimization: warm-up runs, then the median of timed runs. */
public final class LatencyBench {
  public record Latency(double medianMs, double p90Ms, int runs, int threads) {}

  private LatencyBench() {}

  public static Latency measure(ModelProto model, float[] sample, int[] sampleShape, int warmup, int runs, int threads) {
    try (OrtModel m = new OrtModel(model, ai.onnxruntime.OrtSession.SessionOptions.OptLevel.ALL_OPT, threads)) {
      String out = m.outputNames().iterator().next();
      for (int i = 0; i < warmup; i++) m.run(sample, sampleShape, 1, List.of(out));
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t = System.nanoTime();
        m.run(sample, sampleShape, 1, List.of(out));
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
      Arrays.sort(ms);
      return new Latency(ms[runs / 2], ms[(int) Math.min(runs - 1, Math.ceil(runs * 0.9) - 1)], runs, threads);
    }
  }
}
