package io.onnxq.calib.search;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Timing of the searches for one DeiT-Tiny block at W4A4 (192/576/768 dims, 3 heads of 64, 197
 * tokens); the whole model is 12 such blocks. Opt-in: -Donnxq.bench=true.
 */
class DeitTinySearchBenchmark {
  static final int ROWS = 2048; // token rows the caller samples per linear layer
  static final int IMAGES = 4; // images whose attention tensors are sampled
  static final int QUERY_ROWS = 64; // query rows per (image, head)

  @Test
  @EnabledIfSystemProperty(named = "onnxq.bench", matches = "true")
  void oneBlockW4A4() {
    Random rnd = new Random(1);
    float[] x192 = SearchTestData.activations(rnd, ROWS, 192);
    float[] x768 = SearchTestData.gelu(SearchTestData.activations(rnd, ROWS, 768));
    long t = System.nanoTime();
    long c = cpuNanos();
    time(
        "qkv 192x576",
        () ->
            LinearSearch.search(
                x192,
                ROWS,
                SearchTestData.weights(rnd, 192, 576),
                192,
                576,
                4,
                4,
                LinearSearch.ActKind.UNIFORM));
    time(
        "proj 192x192",
        () ->
            LinearSearch.search(
                x192,
                ROWS,
                SearchTestData.weights(rnd, 192, 192),
                192,
                192,
                4,
                4,
                LinearSearch.ActKind.UNIFORM));
    time(
        "fc1 192x768",
        () ->
            LinearSearch.search(
                x192,
                ROWS,
                SearchTestData.weights(rnd, 192, 768),
                192,
                768,
                4,
                4,
                LinearSearch.ActKind.UNIFORM));
    time(
        "fc2 768x192 (AdaLog GELU)",
        () ->
            LinearSearch.search(
                x768,
                ROWS,
                SearchTestData.weights(rnd, 768, 192),
                768,
                192,
                4,
                4,
                LinearSearch.ActKind.ADALOG_GELU));
    int segs = IMAGES * 3;
    float[] q = SearchTestData.gaussian(rnd, segs * QUERY_ROWS * 64, 1.0);
    float[] k = SearchTestData.gaussian(rnd, segs * 197 * 64, 1.5);
    time(
        "q@k^T",
        () ->
            AttentionSearch.searchQk(
                q, k, segs, 3, QUERY_ROWS, 197, 64, 4, AttentionSearch.DEFAULT_ROUNDS));
    float[] a = SearchTestData.softmax(rnd, segs, QUERY_ROWS, 197, 2.0);
    float[] v = SearchTestData.gaussian(rnd, segs * 197 * 64, 1.0);
    time(
        "attn@v",
        () ->
            AttentionSearch.searchAv(
                a, v, segs, 3, QUERY_ROWS, 197, 64, 4, 4, AttentionSearch.DEFAULT_ROUNDS));
    double block = (System.nanoTime() - t) / 1e9;
    double cpu = (cpuNanos() - c) / 1e9;
    System.out.printf(
        "one block: wall %.1f s, cpu %.1f s; 12 blocks: wall ~%.0f s, cpu ~%.0f s (cores=%d)%n",
        block, cpu, 12 * block, 12 * cpu, Runtime.getRuntime().availableProcessors());
  }

  /** Wall and process CPU seconds: CPU time stays meaningful when other jobs share the cores. */
  private static void time(String what, Runnable r) {
    long t = System.nanoTime();
    long c = cpuNanos();
    r.run();
    System.out.printf(
        "%-28s wall %6.2f s  cpu %6.2f s%n",
        what, (System.nanoTime() - t) / 1e9, (cpuNanos() - c) / 1e9);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
