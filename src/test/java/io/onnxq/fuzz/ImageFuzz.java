package io.onnxq.fuzz;

import static io.onnxq.fuzz.NpyFuzz.pick;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Image folders with broken, odd or huge images and broken labels.tsv, run on a TinyVit (3x8x8, 5
 * classes).
 */
final class ImageFuzz {
  private final Fixtures fx;

  ImageFuzz(Fixtures fx) {
    this.fx = fx;
  }

  static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, format, out))
        throw new IllegalStateException("no writer for " + format);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BufferedImage randomImage(Random r, int w, int h, int type) {
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt());
    }
    return img;
  }

  /** A PNG whose IHDR claims w x h (CRC fixed) but whose data is a 1x1 image's. */
  static byte[] lyingPng(Random r, int w, int h) {
    byte[] png = encode(randomImage(r, 1, 1, BufferedImage.TYPE_INT_RGB), "png");
    ByteBuffer b = ByteBuffer.wrap(png);
    b.putInt(16, w).putInt(20, h);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return png;
  }

  FuzzCase make(Random r, Path dir) throws IOException {
    Path imgs = dir.resolve("imgs");
    Files.createDirectories(imgs);
    String[] names = {"a.png", "b.jpg", "c.png", "d.jpeg"};
    byte[][] files = new byte[4][];
    String pre = pick(r, "none", "vit", "deit");
    int extra = pre.equals("none") ? 0 : 9; // 'none' takes images at the model's size only
    for (int i = 0; i < 4; i++) {
      BufferedImage img =
          randomImage(
              r, 8 + r.nextInt(1 + extra), 8 + r.nextInt(1 + extra), BufferedImage.TYPE_INT_RGB);
      files[i] = encode(img, names[i].endsWith("png") ? "png" : "jpg");
    }
    StringBuilder tsv = new StringBuilder();
    for (int i = 0; i < 4; i++) tsv.append(names[i]).append('\t').append(i % 5).append('\n');
    String labels = tsv.toString();
    boolean writeLabels = true;
    String name;
    int victim = r.nextInt(4);
    int k = r.nextInt(100);
    if (k < 5) {
      name = "valid";
    } else if (k < 15) {
      int cut = r.nextInt(files[1].length);
      name = "truncated-jpeg@" + cut;
      files[1] = Arrays.copyOf(files[1], cut);
    } else if (k < 25) {
      int cut = r.nextInt(files[0].length);
      name = "truncated-png@" + cut;
      files[0] = Arrays.copyOf(files[0], cut);
    } else if (k < 31) {
      boolean tall = r.nextBoolean();
      name = tall ? "wide-20000x1" : "tall-1x20000";
      files[0] =
          encode(
              randomImage(r, tall ? 20000 : 1, tall ? 1 : 20000, BufferedImage.TYPE_INT_RGB),
              "png");
    } else if (k < 36) {
      name = "zero-byte-" + names[victim];
      files[victim] = new byte[0];
    } else if (k < 41) {
      name = "not-an-image-" + names[victim];
      files[victim] = new byte[1 + r.nextInt(300)];
      r.nextBytes(files[victim]);
    } else if (k < 46) {
      int at = r.nextInt(files[victim].length);
      name = "flip-" + names[victim] + "@" + at;
      files[victim][at] ^= (byte) (1 << r.nextInt(8));
    } else if (k < 50) {
      int w = pick(r, 60000, 1 << 30, Integer.MAX_VALUE, 0, -1);
      int h = pick(r, 60000, 1, Integer.MAX_VALUE, 0);
      name = "png-claims-" + w + "x" + h;
      files[0] = lyingPng(r, w, h);
    } else if (k < 56) {
      int type =
          pick(
              r,
              BufferedImage.TYPE_BYTE_GRAY,
              BufferedImage.TYPE_USHORT_GRAY,
              BufferedImage.TYPE_INT_ARGB,
              BufferedImage.TYPE_BYTE_BINARY,
              BufferedImage.TYPE_BYTE_INDEXED,
              BufferedImage.TYPE_USHORT_565_RGB);
      name = "png-type" + type;
      files[0] = encode(randomImage(r, 8, 8, type), "png");
    } else if (k < 82) {
      String bad =
          pick(
              r,
              "5",
              "1000",
              "-1",
              "99999999999999999999",
              "9223372036854775807",
              "-9223372036854775808",
              "2147483648",
              "cat",
              "1.5",
              "0x3",
              "",
              " ",
              "1e2",
              "+1",
              "３",
              "1 2");
      name = "label=" + bad;
      labels = labels.replace("c.png\t2", "c.png\t" + bad);
    } else if (k < 92) {
      int v = r.nextInt(10);
      name =
          switch (v) {
            case 0 -> {
              labels = "";
              yield "labels-empty";
            }
            case 1 -> {
              labels = "file\tclass\n";
              yield "labels-header-only";
            }
            case 2 -> {
              labels = labels.replace("\n", "\r\n");
              yield "labels-crlf";
            }
            case 3 -> {
              labels = "\uFEFF" + labels;
              yield "labels-bom";
            }
            case 4 -> {
              labels = labels.replace("b.jpg", "missing.jpg");
              yield "labels-missing-file";
            }
            case 5 -> {
              labels = labels.replace("b.jpg", "../outside.png");
              yield "labels-dotdot";
            }
            case 6 -> {
              labels =
                  labels.replace("b.jpg", dir.resolve("outside.png").toAbsolutePath().toString());
              yield "labels-absolute";
            }
            case 7 -> {
              labels = labels.replace("\t", " ");
              yield "labels-spaces";
            }
            case 8 -> {
              labels = labels.replace("b.jpg", "sub");
              yield "labels-folder";
            }
            default -> {
              labels = labels.replace("c.png\t2", "c.png");
              yield "labels-one-column";
            }
          };
    } else if (k < 95) {
      name = "no-labels";
      writeLabels = false;
    } else {
      name = "no-images";
      files = new byte[0][];
      writeLabels = r.nextBoolean();
      Files.writeString(imgs.resolve("readme.txt"), "nothing here");
    }
    for (int i = 0; i < files.length; i++) Fixtures.write(imgs.resolve(names[i]), files[i]);
    Files.createDirectories(imgs.resolve("sub"));
    Fixtures.write(
        dir.resolve("outside.png"),
        encode(randomImage(r, 8, 8, BufferedImage.TYPE_INT_RGB), "png"));
    if (writeLabels)
      Files.write(imgs.resolve("labels.tsv"), labels.getBytes(StandardCharsets.UTF_8));
    Path model = dir.resolve("tiny.onnx");
    Fixtures.write(model, fx.tiny);
    FuzzCase c = new FuzzCase("image", name + "[" + pre + "]", dir);
    if (r.nextInt(4) > 0) {
      c.args(
          "eval",
          model,
          "--data",
          imgs,
          "--image-size",
          8,
          "--preprocess",
          pre,
          "--batch-size",
          2,
          "--json");
      if (!writeLabels) c.args("--ref", model);
      return c.expect(FuzzCase.Result.JSON);
    }
    Path out = dir.resolve("out.onnx");
    return c.args(
            "convert",
            model,
            "--calib",
            imgs,
            "--image-size",
            8,
            "--preprocess",
            pre,
            "--calib-count",
            4,
            "--batch-size",
            2,
            "-o",
            out,
            "--quiet")
        .output(out)
        .expect(FuzzCase.Result.MODEL);
  }
}
