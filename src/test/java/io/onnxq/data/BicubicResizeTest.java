package io.onnxq.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BicubicResizeTest {
  /** A 9x7 test pattern; the Pillow values below were produced from the same formula. */
  static RgbImage pattern() {
    int w = 9;
    int h = 7;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          rgb[(y * w + x) * 3 + c] = (byte) ((x * 37 + y * 91 + c * 53 + x * y * 13) % 256);
        }
      }
    }
    return new RgbImage(w, h, rgb);
  }

  static int[] bytes(RgbImage img) {
    int[] out = new int[img.rgb().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = img.rgb()[i] & 0xff;
    }
    return out;
  }

  static RgbImage constant(int w, int h, int r, int g, int b) {
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      rgb[i * 3] = (byte) r;
      rgb[i * 3 + 1] = (byte) g;
      rgb[i * 3 + 2] = (byte) b;
    }
    return new RgbImage(w, h, rgb);
  }

  @Test
  void matchesPillowDownscale() {
    // Pillow 9.4: Image.fromarray(pattern).resize((4, 3), Image.BICUBIC)
    int[] pillow = {
      103, 133, 148, 139, 144, 150, 140, 143, 139, 130, 123, 107, 128, 152, 120, 148, 127, 123,
      137, 110, 149, 124, 121, 146, 103, 166, 152, 142, 112, 167, 137, 125, 134, 151, 120, 139
    };
    assertArrayEquals(pillow, bytes(BicubicResize.resize(pattern(), 4, 3)));
  }

  @Test
  void matchesPillowMixedScale() {
    // Pillow 9.4: resize((5, 7)) shrinks width only; the height pass is skipped.
    int[] pillow = {
      16, 69, 122, 80, 133, 193, 153, 212, 197, 179, 95, 59, 25, 67, 130, 113, 176, 217, 206, 170,
      86, 92, 77, 141, 120, 190, 196, 213, 130, 65, 208, 142, 59, 99, 113, 175, 184, 174, 85, 120,
      84, 146, 136, 200, 117, 50, 113, 154, 188, 151, 68, 127, 118, 177, 160, 85, 138, 82, 123, 176,
      145, 198, 133, 89, 142, 148, 146, 62, 120, 118, 124, 177, 133, 68, 121, 123, 187, 104, 161,
      124, 194, 164, 148, 132, 102, 172, 135, 192, 109, 173, 82, 135, 188, 70, 123, 176, 181, 98,
      151, 150, 66, 128, 138, 179, 96
    };
    assertArrayEquals(pillow, bytes(BicubicResize.resize(pattern(), 5, 7)));
  }

  @Test
  void matchesPillowUpscaleFirstRow() {
    // First output row of Pillow's resize((13, 10)), where the kernel overshoots and clips.
    int[] pillowRow0 = {
      0, 46, 99, 11, 64, 116, 40, 92, 148, 64, 116, 185, 88, 152, 212, 118, 183, 245, 155, 208, 255,
      181, 252, 87, 217, 161, 19, 217, 2, 65, 33, 30, 102, 0, 72, 134, 30, 100, 152
    };
    int[] row0 = java.util.Arrays.copyOf(bytes(BicubicResize.resize(pattern(), 13, 10)), 39);
    assertArrayEquals(pillowRow0, row0);
  }

  @Test
  void constantImageStaysConstant() {
    RgbImage img = constant(37, 23, 200, 17, 255);
    for (int[] size : new int[][] {{11, 5}, {80, 61}, {37, 9}, {3, 50}}) {
      RgbImage r = BicubicResize.resize(img, size[0], size[1]);
      assertEquals(size[0], r.width());
      assertEquals(size[1], r.height());
      for (int i = 0; i < size[0] * size[1]; i++) {
        assertEquals(200, r.rgb()[i * 3] & 0xff);
        assertEquals(17, r.rgb()[i * 3 + 1] & 0xff);
        assertEquals(255, r.rgb()[i * 3 + 2] & 0xff);
      }
    }
  }

  @Test
  void sameSizeIsIdentity() {
    RgbImage img = pattern();
    assertSame(img, BicubicResize.resize(img, 9, 7));
  }

  @Test
  void mirroredInputGivesMirroredOutput() {
    RgbImage img = pattern();
    byte[] flipped = new byte[img.rgb().length];
    for (int y = 0; y < 7; y++) {
      for (int x = 0; x < 9; x++) {
        System.arraycopy(img.rgb(), (y * 9 + x) * 3, flipped, (y * 9 + 8 - x) * 3, 3);
      }
    }
    RgbImage a = BicubicResize.resize(img, 4, 5);
    RgbImage b = BicubicResize.resize(new RgbImage(9, 7, flipped), 4, 5);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 4; x++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(a.get(x, y, c), b.get(3 - x, y, c));
        }
      }
    }
  }

  /** Straightforward double-precision separable bicubic with no intermediate rounding. */
  static double[] reference(RgbImage img, int ow, int oh) {
    int w = img.width();
    int h = img.height();
    double[] tmp = new double[ow * h * 3];
    for (int y = 0; y < h; y++) {
      for (int xo = 0; xo < ow; xo++) {
        double[] wts = weights(w, ow, xo);
        for (int c = 0; c < 3; c++) {
          double s = 0;
          for (int x = 0; x < w; x++) {
            s += wts[x] * img.get(x, y, c);
          }
          tmp[(y * ow + xo) * 3 + c] = s;
        }
      }
    }
    double[] out = new double[ow * oh * 3];
    for (int yo = 0; yo < oh; yo++) {
      double[] wts = weights(h, oh, yo);
      for (int x = 0; x < ow; x++) {
        for (int c = 0; c < 3; c++) {
          double s = 0;
          for (int y = 0; y < h; y++) {
            s += wts[y] * tmp[(y * ow + x) * 3 + c];
          }
          out[(yo * ow + x) * 3 + c] = s;
        }
      }
    }
    return out;
  }

  /** Weights of every input pixel for output pixel o: kernel widened by the shrink factor. */
  static double[] weights(int in, int out, int o) {
    double scale = (double) in / out;
    double stretch = Math.max(1.0, scale);
    double center = (o + 0.5) * scale;
    double[] w = new double[in];
    double sum = 0;
    for (int i = 0; i < in; i++) {
      double d = Math.abs(i + 0.5 - center) / stretch;
      double k =
          d < 1
              ? 1.5 * d * d * d - 2.5 * d * d + 1
              : d < 2 ? -0.5 * d * d * d + 2.5 * d * d - 4 * d + 2 : 0;
      w[i] = k;
      sum += k;
    }
    for (int i = 0; i < in; i++) {
      w[i] /= sum;
    }
    return w;
  }

  @Test
  void agreesWithDoublePrecisionReferenceOnSmoothImage() {
    // A smooth gradient never overshoots, so only the 8-bit intermediate rounding differs.
    int w = 64;
    int h = 48;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        rgb[(y * w + x) * 3] = (byte) (x * 4);
        rgb[(y * w + x) * 3 + 1] = (byte) (y * 5);
        rgb[(y * w + x) * 3 + 2] = (byte) ((x + y) * 2);
      }
    }
    RgbImage img = new RgbImage(w, h, rgb);
    for (int[] size : new int[][] {{25, 19}, {100, 70}, {64, 20}}) {
      RgbImage got = BicubicResize.resize(img, size[0], size[1]);
      double[] ref = reference(img, size[0], size[1]);
      double max = 0;
      for (int i = 0; i < ref.length; i++) {
        double r = Math.max(0, Math.min(255, ref[i]));
        max = Math.max(max, Math.abs((got.rgb()[i] & 0xff) - r));
      }
      assertTrue(max <= 1.0, "max diff " + max + " for " + size[0] + "x" + size[1]);
    }
  }
}
