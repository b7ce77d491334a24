package io.onnxq.data;

/**
 * An 8-bit RGB image, pixels interleaved row by row (r, g, b, r, g, b, ...). Preprocessing works on
 * this rather than on BufferedImage so that resizing sees exactly the bytes the decoder produced,
 * with no colour-model conversion in between.
 */
public record RgbImage(int width, int height, byte[] rgb) {
  public RgbImage {
    if (width <= 0 || height <= 0 || rgb.length != 3L * width * height) {
      throw new IllegalArgumentException(
          "RGB buffer of " + rgb.length + " bytes does not match " + width + "x" + height);
    }
  }

  /** Channel c (0=R, 1=G, 2=B) of pixel (x, y), 0..255. */
  public int get(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xff;
  }

  /** The w x h sub-image whose top-left corner is (left, top). */
  public RgbImage crop(int left, int top, int w, int h) {
    if (left < 0 || top < 0 || left + w > width || top + h > height) {
      throw new IllegalArgumentException(
          "crop " + w + "x" + h + "+" + left + "+" + top + " outside " + width + "x" + height);
    }
    byte[] out = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      System.arraycopy(rgb, ((top + y) * width + left) * 3, out, y * w * 3, w * 3);
    }
    return new RgbImage(w, h, out);
  }
}
