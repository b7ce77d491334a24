package io.onnxq.testutil;

import io.onnxq.data.Dataset;
import io.onnxq.data.NpyArray;
import io.onnxq.data.NpyDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small data sets for tests: random tensors, and the shipped test models and their data. */
public final class TestData {
  public static final Path TESTMODELS = Path.of("testmodels");
  public static final Path SHARED = Path.of("..", "shared");

  private TestData() {}

  public static Dataset random(Path dir, int n, int... sampleShape) {
    int per = 1;
    for (int d : sampleShape) per *= d;
    float[] v = new float[n * per];
    Random r = new Random(7);
    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
    int[] shape = new int[sampleShape.length + 1];
    shape[0] = n;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    Path f = dir.resolve("random.npy");
    NpyArray.writeFloat(f, v, shape);
    return new NpyDataset(f, null, 0);
  }

  public static boolean sharedAvailable() {
    return Files.isRegularFile(SHARED.resolve("models/deit_tiny_patch16_224.onnx"))
        && Files.isDirectory(SHARED.resolve("imagenet-val100"));
  }
}
