package io.onnxq.eval;

import io.onnxq.OnnxqException;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * ORT latency of several models side by side, one fully optimized session each. A shared machine's
 * load drifts during a benchmark, so the models are interleaved: each round runs every model once,
 * and the model that starts a round rotates, so drift and "ran right after another model" effects
 * fall on all of them alike and the ratios between them stay meaningful. The sessions' threads do
 * not spin between runs (see {@link OrtModel#forBench}).
 */
public final class LatencyBench implements AutoCloseable {
  private final List<ModelProto> protos;
  private final List<OrtModel> sessions = new ArrayList<>();
  private final List<List<String>> outputs = new ArrayList<>();
  private final int[] sampleShape;
  private final int threads;
  private final float[] input;

  /**
   * {@code maxBatch} copies of {@code sample} make up the input; a run at batch b reads the first
   * b.
   */
  public LatencyBench(
      List<ModelProto> models, float[] sample, int[] sampleShape, int maxBatch, int threads) {
    this.protos = List.copyOf(models);
    this.sampleShape = sampleShape.clone();
    this.threads = threads;
    this.input = new float[sample.length * maxBatch];
    for (int i = 0; i < maxBatch; i++)
      System.arraycopy(sample, 0, input, i * sample.length, sample.length);
    try {
      for (ModelProto m : protos) {
        OrtModel s = OrtModel.forBench(m, threads, null);
        sessions.add(s);
        s.checkSampleShape(sampleShape, "benchmark");
        outputs.add(List.of(s.outputNames().iterator().next()));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * One interleaved pass: {@code warmup} untimed rounds, then {@code rounds} timed ones, model i at
   * batch {@code batches[i]}; a batch of 0 leaves the model out (null in the result).
   */
  public Latency[] pass(int[] batches, int warmup, int rounds) {
    int n = sessions.size();
    double[][] ms = new double[n][rounds];
    for (int r = 0; r < warmup + rounds; r++) {
      for (int k = 0; k < n; k++) {
        int i = (r + k) % n;
        if (batches[i] == 0) continue;
        long t = System.nanoTime();
        sessions.get(i).run(input, sampleShape, batches[i], outputs.get(i));
        if (r >= warmup) ms[i][r - warmup] = (System.nanoTime() - t) / 1e6;
      }
    }
    Latency[] out = new Latency[n];
    for (int i = 0; i < n; i++) out[i] = batches[i] == 0 ? null : Latency.of(batches[i], ms[i]);
    return out;
  }

  /**
   * The top {@code top} op types by kernel time of model {@code i} over {@code runs} runs at {@code
   * batch}, in a session of its own: the profiler slows every node down, so it never shares a
   * session with the timed runs. The trace goes to a temporary folder that is deleted afterwards.
   */
  public List<OrtProfile.OpTime> profile(int i, int batch, int runs, int top) {
    Path dir;
    try {
      dir = Files.createTempDirectory("onnxq-profile-");
    } catch (IOException e) {
      throw new OnnxqException(
          "cannot create a temporary folder for the profile: " + e.getMessage());
    }
    try {
      String trace;
      try (OrtModel m = OrtModel.forBench(protos.get(i), threads, dir.resolve("ort"))) {
        for (int r = 0; r < runs; r++) m.run(input, sampleShape, batch, outputs.get(i));
        trace = Files.readString(m.endProfiling());
      }
      return OrtProfile.topOps(trace, top);
    } catch (IOException e) {
      throw new OnnxqException("cannot read ONNX Runtime's profile: " + e.getMessage());
    } finally {
      deleteAll(dir);
    }
  }

  private static void deleteAll(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // best effort: a trace left in the temporary folder is not worth failing the benchmark for
    }
  }

  @Override
  public void close() {
    for (OrtModel s : sessions) s.close();
  }
}
