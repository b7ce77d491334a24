package io.onnxq.fuzz;

import io.onnxq.testutil.TinyVit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The valid inputs every generator starts from: the shipped Fashion-MNIST ViT (1x28x28, 10
 * classes), a TinyVit (3x8x8, 5 classes) for image folders, and small slices of the test data.
 */
final class Fixtures {
  static final Path TESTMODELS = Path.of("testmodels");
  static final int SAMPLE = 28 * 28;

  final byte[] vit;
  final byte[] tiny;

  /** Body of fmnist_test.npy for the first 16 samples (float32 little-endian). */
  final byte[] floats16;

  /** First 16 labels of fmnist_test_labels.npy. */
  final long[] labels16;

  Fixtures() {
    try {
      vit = Files.readAllBytes(TESTMODELS.resolve("vit_fmnist_op13.onnx"));
      tiny =
          TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 1).toByteArray();
      byte[] test = Files.readAllBytes(TESTMODELS.resolve("fmnist_test.npy"));
      int off = bodyOffset(test);
      floats16 = Arrays.copyOfRange(test, off, off + 16 * SAMPLE * 4);
      byte[] lab = Files.readAllBytes(TESTMODELS.resolve("fmnist_test_labels.npy"));
      ByteBuffer lb = ByteBuffer.wrap(lab, bodyOffset(lab), 16 * 8).order(ByteOrder.LITTLE_ENDIAN);
      labels16 = new long[16];
      for (int i = 0; i < 16; i++) labels16[i] = lb.getLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int bodyOffset(byte[] npy) {
    int major = npy[6];
    ByteBuffer b = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
    return major == 1 ? 10 + (b.getShort(8) & 0xffff) : 12 + b.getInt(8);
  }

  /** n Fashion-MNIST samples as float32 bytes (n <= 16). */
  byte[] samples(int n) {
    return Arrays.copyOf(floats16, n * SAMPLE * 4);
  }

  /** A version-1 .npy file with the given header fields and raw body. */
  static byte[] npy(String descr, boolean fortran, String shape, byte[] body) {
    String dict =
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortran ? "True" : "False")
            + ", 'shape': "
            + shape
            + ", }";
    return npyRaw(dict, body);
  }

  static byte[] npyRaw(String dict, byte[] body) {
    StringBuilder h = new StringBuilder(dict);
    while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
    h.append('\n');
    byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + hb.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) hb.length).put(hb).put(body);
    return b.array();
  }

  static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) b.putLong(x);
    return b.array();
  }

  /** A valid fmnist data file with n samples. */
  byte[] dataNpy(int n) {
    return npy("<f4", false, "(" + n + ", 1, 28, 28)", samples(n));
  }

  byte[] labelsNpy(int n) {
    return npy("<i8", false, "(" + n + ",)", longs(Arrays.copyOf(labels16, n)));
  }

  static void write(Path p, byte[] b) {
    try {
      Files.createDirectories(p.toAbsolutePath().getParent());
      Files.write(p, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
