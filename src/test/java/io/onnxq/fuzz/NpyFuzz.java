package io.onnxq.fuzz;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Damaged or odd .npy data and labels, fed to eval or a small convert of the Fashion-MNIST ViT. */
final class NpyFuzz {
  private final Fixtures fx;

  NpyFuzz(Fixtures fx) {
    this.fx = fx;
  }

  FuzzCase make(Random r, Path dir) throws IOException {
    int n = 4;
    byte[] data = fx.dataNpy(n);
    byte[] labels = fx.labelsNpy(n);
    int header = 10 + (ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff);
    String name;
    boolean labelCase = false;
    boolean dataIsDir = false;
    String dataName = "data.npy";
    int k = r.nextInt(100);
    if (k < 4) {
      name = "valid";
    } else if (k < 12) {
      int cut = r.nextInt(header);
      name = "truncated-header@" + cut;
      data = Arrays.copyOf(data, cut);
    } else if (k < 20) {
      int cut = header + r.nextInt(data.length - header);
      name = "truncated-body@" + cut;
      data = Arrays.copyOf(data, cut);
    } else if (k < 25) {
      int at = r.nextInt(6);
      name = "magic@" + at;
      data[at] ^= (byte) (1 + r.nextInt(255));
    } else if (k < 33) {
      String d =
          pick(
              r, "<f8", "<i4", "|u1", ">f4", "<f2", "|b1", "<c8", "O", "xyz", "<U8", "", "<f4'",
              "f4", "=f4");
      name = "dtype=" + d;
      data = Fixtures.npy(d, false, "(4, 1, 28, 28)", fx.samples(n));
    } else if (k < 36) {
      name = "fortran";
      data = Fixtures.npy("<f4", true, "(4, 1, 28, 28)", fx.samples(n));
    } else if (k < 46) {
      String s =
          pick(
              r,
              "(2147483648, 1, 28, 28)",
              "(99999999999999999999, 1, 28, 28)",
              "(4, 1, 28, 99999999999)",
              "(-4, 1, 28, 28)",
              "(1000000, 1000000, 28, 28)",
              "(4611686018427387904, 4, 28, 28)",
              "(4, 1, 28, 28",
              "'abc'",
              "(4, 1, -28, -28)",
              "(4, 1, 28, 28, 1)",
              "(4, 1, 28)",
              "()",
              "(0, 1, 28, 28)",
              "(4, 1, 0, 28)",
              "(2, 1, 28, 28)",
              "(3037000500, 3037000500, 1, 1)");
      name = "shape=" + s;
      data = Fixtures.npy("<f4", false, s, fx.samples(n));
    } else if (k < 50) {
      int v = pick(r, 0, 1, 0xffff, header - 10 + 1, header - 10 - 1, 5);
      name = "header-len=" + v;
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) v);
    } else if (k < 53) {
      int v = pick(r, 0, 2, 3, 9, 255);
      name = "version=" + v;
      data[6] = (byte) v;
    } else if (k < 55) {
      String odd = pick(r, "\n", "\r\n", "\n\tat fake.Frame(Fake.java:1)\n", "\u001b[2J");
      name = "header-control-chars";
      data =
          Fixtures.npyRaw(
              "{'descr': '<f4" + odd + "', 'fortran_order': False, 'shape': (4, 1, 28, 28), }",
              fx.samples(n));
    } else if (k < 58) {
      int at = 10 + r.nextInt(header - 10);
      int len = Math.min(1 + r.nextInt(16), header - at);
      for (int i = 0; i < len; i++) data[at + i] = (byte) r.nextInt(256);
      name = "header-garbage@" + at;
    } else if (k < 68) {
      float v =
          pick(
              r,
              Float.NaN,
              Float.POSITIVE_INFINITY,
              Float.NEGATIVE_INFINITY,
              Float.MAX_VALUE,
              -Float.MAX_VALUE,
              Float.MIN_VALUE,
              1e30f);
      boolean all = r.nextBoolean();
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      int count = all ? n * Fixtures.SAMPLE : 1 + r.nextInt(20);
      for (int i = 0; i < count; i++) {
        int idx = all ? i : r.nextInt(n * Fixtures.SAMPLE);
        b.putFloat(header + idx * 4, v);
      }
      name = "values=" + v + (all ? "-all" : "-x" + count);
    } else if (k < 78) {
      String s =
          pick(
              r,
              "(4, 3, 28, 28)",
              "(4, 1, 14, 14)",
              "(4, 784)",
              "(784,)",
              "(4, 1, 32, 32)",
              "(4, 28, 28, 1)",
              "(1, 4, 1, 28, 28)",
              "(16, 1, 14, 14)");
      int count = 1;
      for (String d : s.replaceAll("[() ]", "").split(","))
        if (!d.isEmpty()) count *= Integer.parseInt(d);
      name = "mismatch=" + s;
      data = Fixtures.npy("<f4", false, s, Arrays.copyOf(fx.floats16, count * 4));
    } else if (k < 92) {
      labelCase = true;
      int v = r.nextInt(9);
      switch (v) {
        case 0 -> {
          name = "labels-short";
          labels = Fixtures.npy("<i8", false, "(3,)", Fixtures.longs(1, 2, 3));
        }
        case 1 -> {
          name = "labels-empty";
          labels = Fixtures.npy("<i8", false, "(0,)", new byte[0]);
        }
        case 2 -> {
          long bad = pick(r, 10L, -1L, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE, 2147483648L);
          name = "labels-range=" + bad;
          labels = Fixtures.npy("<i8", false, "(4,)", Fixtures.longs(0, bad, 2, 3));
        }
        case 3 -> {
          name = "labels-float";
          ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < 4; i++) b.putFloat(i == 1 ? Float.NaN : i);
          labels = Fixtures.npy("<f4", false, "(4,)", b.array());
        }
        case 4 -> {
          name = "labels-int32";
          ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < 4; i++) b.putInt(i);
          labels = Fixtures.npy("<i4", false, "(4,)", b.array());
        }
        case 5 -> {
          name = "labels-2d";
          labels = Fixtures.npy("<i8", false, "(4, 1)", Fixtures.longs(0, 1, 2, 3));
        }
        case 6 -> {
          name = "labels-truncated";
          labels = Arrays.copyOf(labels, labels.length - 1 - r.nextInt(20));
        }
        case 7 -> {
          name = "labels-garbage";
          labels = new byte[r.nextInt(200)];
          r.nextBytes(labels);
        }
        default -> {
          name = "labels-uint8-overflow";
          labels = Fixtures.npy("|u1", false, "(4,)", new byte[] {0, (byte) 255, 2, 3});
        }
      }
    } else if (k < 96) {
      dataName = pick(r, "data.NPY", "data.bin", "data", "data.npy.gz");
      name = "name=" + dataName;
    } else {
      name = "data-is-folder";
      dataIsDir = true;
    }
    Path dataPath = dir.resolve(dataName);
    if (dataIsDir) Files.createDirectories(dataPath);
    else Fixtures.write(dataPath, data);
    Path labelsPath = dir.resolve("labels.npy");
    Fixtures.write(labelsPath, labels);
    FuzzCase c = new FuzzCase("npy", name, dir);
    Path model = dir.resolve("model.onnx");
    Fixtures.write(model, fx.vit);
    if (labelCase || r.nextInt(10) < 7) {
      return c.args(
              "eval",
              model,
              "--data",
              dataPath,
              "--labels",
              labelsPath,
              "--batch-size",
              4,
              "--json")
          .expect(FuzzCase.Result.JSON);
    }
    return Commands.convert(c, model, dataPath);
  }

  @SafeVarargs
  static <T> T pick(Random r, T... v) {
    return v[r.nextInt(v.length)];
  }
}
