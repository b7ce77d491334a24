package io.onnxq.eval;

import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.util.Arrays;
import java.util.List;

/**
 * ORT latency at full optimization, batch 1 unless the model runs only at another batch: warm-up
 * runs, then the median of timed runs.
 */
public final class LatencyBench {
  public record Latency(double medianMs, double p90Ms, int runs, int threads, int batch) {}

  private LatencyBench() {}

  /** {@code batch} copies of {@code sample} make up each run's input. */
  public static Latency measure(
      ModelProto model,
      float[] sample,
      int[] sampleShape,
      int batch,
      int warmup,
      int runs,
      int threads) {
    float[] input = new float[sample.length * batch];
    for (int i = 0; i < batch; i++)
      System.arraycopy(sample, 0, input, i * sample.length, sample.length);
    try (OrtModel m =
        new OrtModel(model, ai.onnxruntime.OrtSession.SessionOptions.OptLevel.ALL_OPT, threads)) {
      String out = m.outputNames().iterator().next();
      for (int i = 0; i < warmup; i++) m.run(input, sampleShape, batch, List.of(out));
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t = System.nanoTime();
        m.run(input, sampleShape, batch, List.of(out));
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
      Arrays.sort(ms);
      return new Latency(
          ms[runs / 2],
          ms[(int) Math.min(runs - 1, Math.ceil(runs * 0.9) - 1)],
          runs,
          threads,
          batch);
    }
  }
}
