package io.onnxq.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
  @TempDir Path dir;

  @Test
  void grayscalePngIsReplicatedWithoutGammaShift() throws Exception {
    BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    int[] values = {0, 50, 128, 200, 254, 255};
    for (int i = 0; i < 6; i++) {
      gray.getRaster().setSample(i % 3, i / 3, 0, values[i]);
    }
    Path f = dir.resolve("g.png");
    ImageIO.write(gray, "png", f.toFile());
    RgbImage img = ImageDecoder.decode(f);
    for (int i = 0; i < 6; i++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(values[i], img.get(i % 3, i / 3, c));
      }
    }
  }

  @Test
  void grayscaleJpegDecodesToRgb() throws Exception {
    BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        gray.getRaster().setSample(x, y, 0, 100);
      }
    }
    Path f = dir.resolve("g.jpg");
    ImageIO.write(gray, "jpeg", f.toFile());
    RgbImage img = ImageDecoder.decode(f);
    assertEquals(16, img.width());
    assertEquals(img.get(5, 5, 0), img.get(5, 5, 1));
    assertEquals(img.get(5, 5, 0), img.get(5, 5, 2));
    assertTrue(Math.abs(img.get(5, 5, 0) - 100) <= 1);
  }

  @Test
  void alphaIsDroppedAndRgbOrderKept() throws Exception {
    BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x80102030);
    argb.setRGB(1, 0, 0xFFA0B0C0);
    Path f = dir.resolve("a.png");
    ImageIO.write(argb, "png", f.toFile());
    RgbImage img = ImageDecoder.decode(f);
    assertArrayEquals(
        new byte[] {0x10, 0x20, 0x30, (byte) 0xA0, (byte) 0xB0, (byte) 0xC0}, img.rgb());
  }

  @Test
  void palettedPngUsesPaletteColours() throws Exception {
    byte[] r = {(byte) 255, 0, 7};
    byte[] g = {0, (byte) 255, 8};
    byte[] b = {0, 0, 9};
    BufferedImage pal =
        new BufferedImage(
            3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, g, b));
    for (int x = 0; x < 3; x++) {
      pal.getRaster().setSample(x, 0, 0, x);
    }
    Path f = dir.resolve("p.png");
    ImageIO.write(pal, "png", f.toFile());
    RgbImage img = ImageDecoder.decode(f);
    assertArrayEquals(new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0, 7, 8, 9}, img.rgb());
  }

  @Test
  void rgbJpegKeepsChannelOrder() throws Exception {
    BufferedImage red = PreprocessTest.solid(16, 16, 0xFF0000);
    Path f = dir.resolve("r.jpg");
    ImageIO.write(red, "jpeg", f.toFile());
    RgbImage img = ImageDecoder.decode(f);
    assertTrue(img.get(8, 8, 0) > 240 && img.get(8, 8, 1) < 15 && img.get(8, 8, 2) < 15);
  }

  @Test
  void embeddedColourProfileIsNotApplied() throws Exception {
    // Like Pillow, keep the stored values of a JPEG tagged with a non-sRGB profile: write a plain
    // JPEG, then splice in an APP2 ICC_PROFILE segment carrying Java's linear-RGB profile.
    Path plain = dir.resolve("plain.jpg");
    ImageIO.write(PreprocessTest.solid(16, 16, 0x3C78B4), "jpeg", plain.toFile());
    byte[] jpeg = Files.readAllBytes(plain);
    byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    byte[] tag = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
    int segLen = 2 + tag.length + 2 + profile.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2); // SOI
    out.write(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (segLen >> 8), (byte) segLen});
    out.write(tag);
    out.write(new byte[] {1, 1}); // chunk 1 of 1
    out.write(profile);
    out.write(jpeg, 2, jpeg.length - 2);
    Path f = dir.resolve("icc.jpg");
    Files.write(f, out.toByteArray());
    RgbImage expected = ImageDecoder.decode(plain);
    RgbImage img = ImageDecoder.decode(f);
    assertArrayEquals(expected.rgb(), img.rgb());
    assertTrue(Math.abs(img.get(8, 8, 0) - 0x3C) <= 2, "r=" + img.get(8, 8, 0));
  }

  @Test
  void corruptFileErrorNamesTheFile() throws Exception {
    Path f = dir.resolve("broken.jpg");
    Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    OnnxqException e = assertThrows(OnnxqException.class, () -> ImageDecoder.decode(f));
    assertTrue(e.getMessage().startsWith("cannot decode image " + f + ": "), e.getMessage());
  }

  @Test
  void truncatedJpegIsRejected() throws Exception {
    BufferedImage img = PreprocessTest.solid(64, 64, 0x336699);
    Path f = dir.resolve("cut.jpg");
    ImageIO.write(img, "jpeg", f.toFile());
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length / 2));
    OnnxqException e = assertThrows(OnnxqException.class, () -> ImageDecoder.decode(f));
    assertTrue(e.getMessage().contains("cut.jpg"), e.getMessage());
  }

  @Test
  void missingFileIsReported() {
    OnnxqException e =
        assertThrows(OnnxqException.class, () -> ImageDecoder.decode(dir.resolve("none.png")));
    assertTrue(e.getMessage().contains("none.png"));
  }
}
