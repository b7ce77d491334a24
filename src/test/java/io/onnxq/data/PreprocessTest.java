package io.onnxq.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.onnxq.OnnxqException;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PreprocessTest {
  static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  @Test
  void deitNormalizesConstantRed() {
    float[] out = Preprocess.DEIT.apply(solid(300, 260, 0xFF0000), 224);
    assertEquals(3 * 224 * 224, out.length);
    int plane = 224 * 224;
    for (int i = 0; i < plane; i++) {
      assertEquals((1f - 0.485f) / 0.229f, out[i], 1e-6);
      assertEquals((0f - 0.456f) / 0.224f, out[plane + i], 1e-6);
      assertEquals((0f - 0.406f) / 0.225f, out[2 * plane + i], 1e-6);
    }
  }

  @Test
  void vitUsesHalfMeanAndStd() {
    float[] out = Preprocess.VIT.apply(solid(250, 250, 0x00FF00), 224);
    assertEquals(-1f, out[0]);
    assertEquals(1f, out[224 * 224 + 5]);
    assertEquals(-1f, out[2 * 224 * 224 + 7]);
  }

  @Test
  void otherSizesWork() {
    assertEquals(426, Preprocess.resizeSize(384));
    assertEquals(248, Preprocess.resizeSize(224));
    assertEquals(3 * 384 * 384, Preprocess.DEIT.apply(solid(500, 400, 0x808080), 384).length);
  }

  @Test
  void noneKeepsPixelsAndRequiresModelSize() {
    BufferedImage img = solid(4, 4, 0x336699);
    float[] out = Preprocess.NONE.apply(img, 4);
    assertEquals(0x33 / 255f, out[0]);
    assertEquals(0x66 / 255f, out[16]);
    assertEquals(0x99 / 255f, out[32]);
    OnnxqException e = assertThrows(OnnxqException.class, () -> Preprocess.NONE.apply(img, 224));
    assertEquals("preprocessing 'none' needs 224x224 images, got 4x4", e.getMessage());
  }

  @Test
  void shortSideResizeTruncatesLongSide() {
    RgbImage landscape = BicubicResizeTest.constant(500, 375, 1, 2, 3);
    RgbImage r = Preprocess.resizeShortSide(landscape, 248);
    assertEquals(330, r.width()); // int(248 * 500 / 375) = int(330.67)
    assertEquals(248, r.height());
    RgbImage portrait =
        Preprocess.resizeShortSide(BicubicResizeTest.constant(333, 500, 1, 2, 3), 248);
    assertEquals(248, portrait.width());
    assertEquals(372, portrait.height()); // int(372.37)
  }

  @Test
  void centerCropRoundsHalfToEvenLikePython() {
    // Mark row/column index into the pixel so the crop offset can be read back.
    for (int[] c : new int[][] {{250, 13}, {251, 14}, {249, 12}, {253, 14}}) {
      int n = c[0];
      byte[] rgb = new byte[n * n * 3];
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          rgb[(y * n + x) * 3] = (byte) x;
          rgb[(y * n + x) * 3 + 1] = (byte) y;
        }
      }
      RgbImage crop = Preprocess.centerCrop(new RgbImage(n, n, rgb), 224);
      assertEquals(c[1], crop.get(0, 0, 0), "left for " + n);
      assertEquals(c[1], crop.get(0, 0, 1), "top for " + n);
    }
  }

  @Test
  void parseIsCaseInsensitive() {
    assertEquals(Preprocess.DEIT, Preprocess.parse("deit"));
    assertEquals(Preprocess.VIT, Preprocess.parse(" ViT "));
    assertThrows(OnnxqException.class, () -> Preprocess.parse("imagenet"));
  }

  @Test
  void grayscaleImageBecomesEqualChannels() {
    BufferedImage gray = new BufferedImage(256, 256, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        gray.getRaster().setSample(x, y, 0, 128);
      }
    }
    float[] out = Preprocess.VIT.apply(gray, 224);
    float expected = (128 / 255f - 0.5f) / 0.5f;
    assertEquals(expected, out[0]);
    assertEquals(expected, out[224 * 224]);
    assertEquals(expected, out[2 * 224 * 224]);
  }
}
