package io.onnxq.data;

/**
 * Bicubic resize that reproduces Pillow's {@code Image.resize(size, Image.BICUBIC)} for 8-bit RGB
 * bit for bit (Pillow's libImaging/Resample.c), because the reference accuracy of the models was
 * measured with Pillow-based torchvision transforms and small preprocessing drifts show up in
 * quantization comparisons.
 *
 * <p>What has to match: a separable filter (horizontal pass first), the cubic kernel with a = -0.5
 * stretched by the downscale factor (antialiasing), per-output-pixel normalized weights converted
 * to 22-bit fixed point, and the horizontal result rounded and clipped to 8 bits before the
 * vertical pass.
 */
public final class BicubicResize {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double SUPPORT = 2.0;

  private BicubicResize() {}

  public static RgbImage resize(RgbImage in, int outW, int outH) {
    if (outW <= 0 || outH <= 0) {
      throw new IllegalArgumentException("resize target must be positive: " + outW + "x" + outH);
    }
    RgbImage img = in;
    // Pillow skips a pass whose size does not change; the pass would be the identity anyway.
    if (outW != img.width()) {
      img = horizontal(img, outW);
    }
    if (outH != img.height()) {
      img = vertical(img, outH);
    }
    return img;
  }

  /** Pillow's cubic convolution kernel with a = -0.5. */
  static double cubic(double x) {
    final double a = -0.5;
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  /** Per-output-pixel source window and fixed-point weights (Pillow's precompute_coeffs). */
  static final class Coeffs {
    final int ksize;
    final int[] min; // first source index
    final int[] len; // number of source pixels used
    final int[] k; // ksize fixed-point weights per output pixel

    Coeffs(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterscale = Math.max(scale, 1.0);
      double support = SUPPORT * filterscale;
      ksize = (int) Math.ceil(support) * 2 + 1;
      min = new int[outSize];
      len = new int[outSize];
      k = new int[outSize * ksize];
      double[] w = new double[ksize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = (xx + 0.5) * scale;
        double ss = 1.0 / filterscale;
        // (int) truncates toward zero like the C cast; negatives are clamped right after.
        int xmin = Math.max(0, (int) (center - support + 0.5));
        int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; x++) {
          w[x] = cubic((x + xmin - center + 0.5) * ss);
          ww += w[x];
        }
        for (int x = 0; x < xmax; x++) {
          double v = ww != 0.0 ? w[x] / ww : w[x];
          // Round half away from zero into fixed point, as normalize_coeffs_8bpc does.
          k[xx * ksize + x] =
              (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
        }
        min[xx] = xmin;
        len[xx] = xmax;
      }
    }
  }

  /** Fixed-point sum to 8 bits: the initial half adds rounding, the shift floors, then clip. */
  private static byte clip8(int ss) {
    int v = ss >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
  }

  private static RgbImage horizontal(RgbImage in, int outW) {
    int w = in.width();
    int h = in.height();
    byte[] src = in.rgb();
    byte[] dst = new byte[outW * h * 3];
    Coeffs c = new Coeffs(w, outW);
    for (int y = 0; y < h; y++) {
      int row = y * w * 3;
      for (int xx = 0; xx < outW; xx++) {
        int s0 = 1 << (PRECISION_BITS - 1);
        int s1 = s0;
        int s2 = s0;
        int kb = xx * c.ksize;
        int p = row + c.min[xx] * 3;
        for (int x = 0; x < c.len[xx]; x++, p += 3) {
          int kv = c.k[kb + x];
          s0 += (src[p] & 0xff) * kv;
          s1 += (src[p + 1] & 0xff) * kv;
          s2 += (src[p + 2] & 0xff) * kv;
        }
        int o = (y * outW + xx) * 3;
        dst[o] = clip8(s0);
        dst[o + 1] = clip8(s1);
        dst[o + 2] = clip8(s2);
      }
    }
    return new RgbImage(outW, h, dst);
  }

  private static RgbImage vertical(RgbImage in, int outH) {
    int w = in.width();
    int h = in.height();
    byte[] src = in.rgb();
    byte[] dst = new byte[w * outH * 3];
    Coeffs c = new Coeffs(h, outH);
    int stride = w * 3;
    for (int yy = 0; yy < outH; yy++) {
      int kb = yy * c.ksize;
      for (int x = 0; x < w; x++) {
        int s0 = 1 << (PRECISION_BITS - 1);
        int s1 = s0;
        int s2 = s0;
        int p = c.min[yy] * stride + x * 3;
        for (int y = 0; y < c.len[yy]; y++, p += stride) {
          int kv = c.k[kb + y];
          s0 += (src[p] & 0xff) * kv;
          s1 += (src[p + 1] & 0xff) * kv;
          s2 += (src[p + 2] & 0xff) * kv;
        }
        int o = (yy * w + x) * 3;
        dst[o] = clip8(s0);
        dst[o + 1] = clip8(s1);
        dst[o + 2] = clip8(s2);
      }
    }
    return new RgbImage(w, outH, dst);
  }
}
