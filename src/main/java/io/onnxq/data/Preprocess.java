package io.onnxq.data;

import io.onnxq.OnnxqException;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Turns an image into the model's CHW float32 input, following torchvision's eval transforms {@code
 * Resize(floor(size / 0.9), BICUBIC) -> CenterCrop(size) -> ToTensor -> Normalize}.
 *
 * <ul>
 *   <li>DEIT: ImageNet mean/std. The resize to 248 = floor(224 / 0.9) (crop ratio 0.9) follows the
 *       project spec; note that timm's own DeiT config uses crop_pct 0.875 (resize 256).
 *   <li>VIT: the same geometry, mean = std = 0.5.
 *   <li>NONE: no resize or crop; the image must already be size x size. Only scales to [0,1].
 * </ul>
 *
 * Every float step is done in float32, in torchvision's order, so outputs match a PyTorch pipeline
 * on the same 8-bit pixels up to float rounding.
 */
public enum Preprocess {
  DEIT(true, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}),
  VIT(true, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}),
  NONE(false, new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f});

  /** Fraction of the resized image kept by the centre crop. */
  public static final double CROP_RATIO = 0.9;

  public static final int DEFAULT_SIZE = 224;

  private final boolean resizeAndCrop;
  private final float[] mean;
  private final float[] std;

  Preprocess(boolean resizeAndCrop, float[] mean, float[] std) {
    this.resizeAndCrop = resizeAndCrop;
    this.mean = mean;
    this.std = std;
  }

  /** Parses a user-supplied name such as "deit" (case-insensitive). */
  public static Preprocess parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new OnnxqException("unknown preprocessing '" + name + "'; expected deit, vit or none");
    }
  }

  /** Short side after resizing: floor(size / 0.9), computed like timm's int(math.floor(...)). */
  public static int resizeSize(int size) {
    return (int) Math.floor(size / CROP_RATIO);
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  public float[] apply(BufferedImage img, int size) {
    return apply(ImageDecoder.toRgb(img), size);
  }

  /** Returns float[3 * size * size] in CHW order. */
  public float[] apply(RgbImage img, int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + size);
    }
    RgbImage cropped;
    if (resizeAndCrop) {
      cropped = centerCrop(resizeShortSide(img, resizeSize(size)), size);
    } else {
      if (img.width() != size || img.height() != size) {
        throw new OnnxqException(
            "preprocessing 'none' needs "
                + size
                + "x"
                + size
                + " images, got "
                + img.width()
                + "x"
                + img.height());
      }
      cropped = img;
    }
    return normalize(cropped);
  }

  /**
   * torchvision Resize(int): the short side becomes {@code shortSide}, the long side int(shortSide
   * * long / short), truncated.
   */
  public static RgbImage resizeShortSide(RgbImage img, int shortSide) {
    int w = img.width();
    int h = img.height();
    int ow;
    int oh;
    if (w <= h) {
      ow = shortSide;
      oh = (int) ((double) shortSide * h / w);
    } else {
      oh = shortSide;
      ow = (int) ((double) shortSide * w / h);
    }
    if (ow == w && oh == h) {
      return img;
    }
    // Guards images that did not come through ImageDecoder's size checks, and huge --image-size.
    if ((long) ow * oh > ImageDecoder.MAX_PIXELS || ow < 1 || oh < 1) {
      throw new OnnxqException(
          "resizing "
              + w
              + "x"
              + h
              + " to short side "
              + shortSide
              + " would give "
              + ow
              + "x"
              + oh
              + "; the image is too elongated or the image size too large");
    }
    return BicubicResize.resize(img, ow, oh);
  }

  /** torchvision CenterCrop: offsets use Python's round(), i.e. half to even (Math.rint). */
  public static RgbImage centerCrop(RgbImage img, int size) {
    if (img.width() < size || img.height() < size) {
      // Cannot happen after resizeShortSide(floor(size / 0.9)); guards direct callers.
      throw new IllegalArgumentException(
          "cannot crop " + size + "x" + size + " from " + img.width() + "x" + img.height());
    }
    int top = (int) Math.rint((img.height() - size) / 2.0);
    int left = (int) Math.rint((img.width() - size) / 2.0);
    return img.crop(left, top, size, size);
  }

  private float[] normalize(RgbImage img) {
    int w = img.width();
    int plane = w * img.height();
    byte[] rgb = img.rgb();
    float[] out = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      float m = mean[c];
      float s = std[c];
      int base = c * plane;
      for (int i = 0; i < plane; i++) {
        // ToTensor divides by 255, Normalize subtracts then divides, all in float32.
        out[base + i] = ((rgb[i * 3 + c] & 0xff) / 255f - m) / s;
      }
    }
    return out;
  }
}
