package io.onnxq.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounds and checks applied where data is loaded: samples, image sizes, labels.tsv numbers. */
class DataValidationTest {
  @TempDir Path dir;

  private Path jpeg(String name, int w, int h) throws Exception {
    Path f = dir.resolve(name);
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR), "jpg", f.toFile());
    return f;
  }

  @Test
  void elongatedImagesAreRefusedBeforeDecoding() throws Exception {
    for (int[] wh : new int[][] {{1, 20000}, {1, 5000}, {20000, 1}, {3, 301}}) {
      Path f = jpeg("long.jpg", wh[0], wh[1]);
      long t0 = System.nanoTime();
      OnnxqException e = assertThrows(OnnxqException.class, () -> ImageDecoder.decode(f));
      assertTrue(
          e.getMessage().contains("long.jpg")
              && (e.getMessage().contains("too elongated") || e.getMessage().contains("too large")),
          e.getMessage());
      assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "refused quickly");
    }
    // 100:1 is still accepted and its short-side resize stays small.
    RgbImage ok = ImageDecoder.decode(jpeg("ok.jpg", 3, 300));
    assertEquals(3 * 224 * 224, Preprocess.DEIT.apply(ok, 224).length);
  }

  @Test
  void sizeBounds() throws Exception {
    assertNull(ImageDecoder.checkSize(16384, 4096));
    assertNotNull(ImageDecoder.checkSize(16385, 200));
    assertNotNull(ImageDecoder.checkSize(9000, 8000)); // 72M pixels
    assertNull(ImageDecoder.checkSize(8192, 8192)); // exactly 64M
    assertTrue(ImageDecoder.checkSize(1, 101).contains("elongated"));
    Path wide = jpeg("wide.jpg", 16400, 200);
    OnnxqException e = assertThrows(OnnxqException.class, () -> ImageDecoder.decode(wide));
    assertTrue(e.getMessage().contains("too large"), e.getMessage());
  }

  @Test
  void resizeGuard() {
    RgbImage thin = new RgbImage(1, 20000, new byte[3 * 20000]);
    OnnxqException e = assertThrows(OnnxqException.class, () -> Preprocess.DEIT.apply(thin, 224));
    assertTrue(e.getMessage().contains("too elongated"), e.getMessage());
  }

  private void labels(String tsv, List<String> names, List<Long> labels) throws Exception {
    Files.write(dir.resolve("a.jpg"), new byte[0]);
    Path f = dir.resolve("labels.tsv");
    Files.writeString(f, tsv);
    ImageFolderDataset.readLabels(dir, f, names, labels);
  }

  @Test
  void overflowingFirstClassIndexIsAnErrorNotAHeader() {
    OnnxqException e =
        assertThrows(
            OnnxqException.class,
            () ->
                labels(
                    "a.jpg\t99999999999999999999\na.jpg\t1\n",
                    new ArrayList<>(),
                    new ArrayList<>()));
    assertTrue(
        e.getMessage().contains("line 1") && e.getMessage().contains("out of range"),
        e.getMessage());
    e =
        assertThrows(
            OnnxqException.class,
            () ->
                labels(
                    "file\tclass\na.jpg\t1\na.jpg\t-99999999999999999999\n",
                    new ArrayList<>(),
                    new ArrayList<>()));
    assertTrue(
        e.getMessage().contains("line 3") && e.getMessage().contains("out of range"),
        e.getMessage());
  }

  @Test
  void textHeaderIsStillSkipped() throws Exception {
    List<String> names = new ArrayList<>();
    List<Long> labels = new ArrayList<>();
    labels("file\tclass\na.jpg\t7\na.jpg\t+2\n", names, labels);
    assertEquals(List.of(7L, 2L), labels);
    OnnxqException e =
        assertThrows(
            OnnxqException.class,
            () -> labels("a.jpg\t1\na.jpg\tcat\n", new ArrayList<>(), new ArrayList<>()));
    assertTrue(
        e.getMessage().contains("line 2") && e.getMessage().contains("not an integer"),
        e.getMessage());
  }

  @Test
  void nonFiniteSampleNamesIndexAndFile() {
    float[] v = new float[4 * 6];
    v[2 * 6 + 5] = Float.NaN;
    Path f = dir.resolve("d.npy");
    NpyArray.writeFloat(f, v, new int[] {4, 6});
    Batches b = new Batches(new NpyDataset(f, null, 0), 3);
    OnnxqException e = assertThrows(OnnxqException.class, () -> b.forEach(x -> {}));
    assertTrue(
        e.getMessage().contains("sample 2 (d.npy[2])")
            && e.getMessage().contains("NaN at element 5"),
        e.getMessage());
  }

  @Test
  void overflowingNpyShape() throws Exception {
    Path f = dir.resolve("o.npy");
    String header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (10000000, 10000000, 10000000), }";
    StringBuilder h = new StringBuilder(header);
    while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
    h.append('\n');
    byte[] hb = h.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    java.nio.ByteBuffer bb =
        java.nio.ByteBuffer.allocate(10 + hb.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bb.put((byte) 0x93)
        .put("NUMPY".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
        .put((byte) 1)
        .put((byte) 0);
    bb.putShort((short) hb.length).put(hb);
    Files.write(f, bb.array());
    OnnxqException e = assertThrows(OnnxqException.class, () -> NpyArray.read(f));
    assertTrue(e.getMessage().contains("too many elements"), e.getMessage());
  }
}
