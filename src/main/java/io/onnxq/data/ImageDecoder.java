package io.onnxq.data;

import io.onnxq.OnnxqException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG/PNG files with javax.imageio into 8-bit RGB.
 *
 * <p>Sample values are taken from the raster as stored rather than through {@code
 * BufferedImage.getRGB}: Java treats 1-channel images as linear gray and would gamma-shift them on
 * conversion, and it would apply embedded ICC profiles (see {@link #rawColourParam}). Pillow (the
 * reference pipeline) does neither: grayscale is replicated into R=G=B, profiles are ignored. On
 * the 1000 imagenet-sample JPEGs the decoded pixels equal Pillow 9.4's exactly.
 */
public final class ImageDecoder {
  /** Largest accepted width or height. */
  public static final int MAX_SIDE = 16_384;

  /** Largest accepted area: 64 Mi pixels (192 MiB of RGB bytes). */
  public static final long MAX_PIXELS = 64L << 20;

  /**
   * Largest accepted long-to-short side ratio. The short-side resize scales the long side by the
   * same factor, so a 1x20000 image would become 248 x 4960000; at 100:1 a 224 model input needs at
   * most a 248 x 24800 intermediate.
   */
  public static final int MAX_ASPECT = 100;

  private ImageDecoder() {}

  public static RgbImage decode(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new OnnxqException("cannot decode image " + file + ": file not found");
    }
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw fail(file, "cannot open file");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw fail(file, "not a JPEG or PNG image (unrecognized format)");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((r, msg) -> warnings.add(msg));
        // Refuse absurd sizes before allocating (a few-KB file can declare 60000x60000).
        String bad = checkSize(reader.getWidth(0), reader.getHeight(0));
        if (bad != null) {
          throw fail(file, bad);
        }
        img = reader.read(0, rawColourParam(reader));
      } finally {
        reader.dispose();
      }
      // Java fills a truncated JPEG with gray and only warns; Pillow refuses such files, so do we.
      for (String w : warnings) {
        String lw = w.toLowerCase(Locale.ROOT);
        if (lw.contains("premature end") || lw.contains("truncated")) {
          throw fail(file, "file is truncated (" + w + ")");
        }
      }
    } catch (OnnxqException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Decoders signal corrupt input with IIOException but also with assorted runtime exceptions.
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (msg.contains("Unsupported Image Type")) {
        msg = "unsupported JPEG colour type (CMYK/YCCK?); convert it to RGB";
      }
      throw new OnnxqException("cannot decode image " + file + ": " + msg, e);
    }
    if (img == null) {
      throw fail(file, "decoder returned no image");
    }
    try {
      return toRgb(img);
    } catch (OnnxqException e) {
      throw fail(file, e.getMessage());
    }
  }

  /**
   * Why a width x height image is refused, or null when it is accepted: each side must be 1 to
   * {@link #MAX_SIDE}, the area at most {@link #MAX_PIXELS} and the aspect ratio at most {@link
   * #MAX_ASPECT}:1.
   */
  public static String checkSize(long w, long h) {
    if (w < 1 || h < 1) {
      return w + "x" + h + " has no pixels";
    }
    if (w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) {
      return w
          + "x"
          + h
          + " is too large (at most "
          + MAX_SIDE
          + " pixels a side and "
          + (MAX_PIXELS >> 20)
          + "M pixels)";
    }
    if (Math.max(w, h) > (long) MAX_ASPECT * Math.min(w, h)) {
      return w + "x" + h + " is too elongated (aspect ratio at most " + MAX_ASPECT + ":1)";
    }
    return null;
  }

  /**
   * Java's JPEG reader converts images with an embedded non-sRGB profile (often Adobe RGB) to sRGB,
   * shifting pixels by up to ~100 levels; Pillow keeps the stored values. Decoding into an image
   * whose colour space is the embedded profile makes the reader skip that conversion. A destination
   * image rather than a destination type is used because the reader re-parses the profile on read
   * and may then reject a type built from the earlier parse; the conversion it does in that case is
   * between two copies of the same profile, so it is close to identity.
   */
  private static ImageReadParam rawColourParam(ImageReader reader) throws IOException {
    ImageReadParam param = reader.getDefaultReadParam();
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    if (types == null || !types.hasNext()) {
      return param;
    }
    ImageTypeSpecifier first = types.next();
    if (!first.getColorModel().getColorSpace().isCS_sRGB()) {
      return param;
    }
    while (types.hasNext()) {
      ImageTypeSpecifier t = types.next();
      ColorSpace cs = t.getColorModel().getColorSpace();
      if (cs.getType() == ColorSpace.TYPE_RGB && !cs.isCS_sRGB() && cs.getNumComponents() == 3) {
        param.setDestination(t.createBufferedImage(reader.getWidth(0), reader.getHeight(0)));
        break;
      }
    }
    return param;
  }

  /** Converts any decoded image to 8-bit RGB; alpha is dropped, gray is replicated. */
  public static RgbImage toRgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    ColorModel cm = img.getColorModel();
    Raster r = img.getRaster();
    byte[] out = new byte[3 * w * h];
    int csType = cm.getColorSpace().getType();
    if (cm instanceof IndexColorModel icm) {
      // Palette entries are already sRGB bytes; look them up directly.
      int[] px = new int[w];
      for (int y = 0; y < h; y++) {
        r.getPixels(0, y, w, 1, px);
        for (int x = 0; x < w; x++) {
          int o = (y * w + x) * 3;
          out[o] = (byte) icm.getRed(px[x]);
          out[o + 1] = (byte) icm.getGreen(px[x]);
          out[o + 2] = (byte) icm.getBlue(px[x]);
        }
      }
    } else if (csType == ColorSpace.TYPE_GRAY) {
      int shift = r.getSampleModel().getSampleSize(0) - 8;
      int[] px = new int[w];
      for (int y = 0; y < h; y++) {
        r.getSamples(0, y, w, 1, 0, px);
        for (int x = 0; x < w; x++) {
          byte g = (byte) to8(px[x], shift);
          int o = (y * w + x) * 3;
          out[o] = g;
          out[o + 1] = g;
          out[o + 2] = g;
        }
      }
    } else if (csType == ColorSpace.TYPE_RGB && r.getNumBands() >= 3 && !isPacked(img)) {
      // Band order follows the colour model (R, G, B[, A]) whatever the memory layout.
      int[] px = new int[w];
      for (int c = 0; c < 3; c++) {
        int shift = r.getSampleModel().getSampleSize(c) - 8;
        for (int y = 0; y < h; y++) {
          r.getSamples(0, y, w, 1, c, px);
          for (int x = 0; x < w; x++) {
            out[(y * w + x) * 3 + c] = (byte) to8(px[x], shift);
          }
        }
      }
    } else if (csType == ColorSpace.TYPE_CMYK) {
      throw new OnnxqException("CMYK images are not supported; convert them to RGB");
    } else {
      // Packed int formats (TYPE_INT_RGB etc.) and anything exotic: let Java convert to sRGB.
      int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < argb.length; i++) {
        out[i * 3] = (byte) (argb[i] >> 16);
        out[i * 3 + 1] = (byte) (argb[i] >> 8);
        out[i * 3 + 2] = (byte) argb[i];
      }
    }
    return new RgbImage(w, h, out);
  }

  private static boolean isPacked(BufferedImage img) {
    return img.getSampleModel() instanceof java.awt.image.SinglePixelPackedSampleModel
        || img.getSampleModel() instanceof java.awt.image.MultiPixelPackedSampleModel;
  }

  /** Brings a sample of another bit depth to 8 bits (16-bit PNG keeps its high byte). */
  private static int to8(int v, int shift) {
    if (shift == 0) {
      return v;
    }
    if (shift > 0) {
      return v >>> shift;
    }
    // Fewer than 8 bits (e.g. 1/2/4-bit gray PNG): scale to the full range.
    int bits = 8 + shift;
    return v * 255 / ((1 << bits) - 1);
  }

  private static OnnxqException fail(Path file, String why) {
    return new OnnxqException("cannot decode image " + file + ": " + why);
  }
}
