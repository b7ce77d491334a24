package io.onnxq.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  /** Writes a 32x32 PNG whose red channel is {@code red}, so samples can be told apart. */
  void png(Path file, int red) throws Exception {
    Files.createDirectories(file.getParent());
    ImageIO.write(PreprocessTest.solid(32, 32, red << 16), "png", file.toFile());
  }

  /** Red value of a NONE-preprocessed sample, back in 0..255. */
  static int red(float[] sample) {
    return Math.round(sample[0] * 255);
  }

  @Test
  void folderIsSortedAndIncludesImagesSubfolder() throws Exception {
    png(dir.resolve("b.PNG"), 2);
    png(dir.resolve("a.png"), 1);
    png(dir.resolve("images/c.png"), 3);
    Files.writeString(dir.resolve("notes.txt"), "x");
    Files.writeString(dir.resolve("._a.png"), "mac resource fork");
    Dataset ds = Datasets.open(dir, Preprocess.NONE, 32, null, 0);
    assertInstanceOf(ImageFolderDataset.class, ds);
    assertEquals(3, ds.size());
    assertFalse(ds.hasLabels());
    assertEquals(List.of("a.png", "b.PNG", "images/c.png"), names(ds));
    assertEquals(1, red(ds.sample(0)));
    assertEquals(3, red(ds.sample(2)));
    assertArrayEquals(new int[] {3, 32, 32}, ds.sampleShape());
    assertTrue(ds.describe().contains("3 images, none preprocessing"), ds.describe());
  }

  @Test
  void labelsTsvWithHeaderDefinesOrderAndLabels() throws Exception {
    png(dir.resolve("images/x.JPEG.png"), 10);
    png(dir.resolve("images/y.png"), 20);
    png(dir.resolve("images/unlisted.png"), 30);
    Files.writeString(
        dir.resolve("labels.tsv"),
        "filename\tclass_index\twnid\nimages/y.png\t7\tn1\n\nimages/x.JPEG.png\t3\tn2\n");
    Dataset ds = Datasets.open(dir, Preprocess.NONE, 32, null, 0);
    assertEquals(2, ds.size());
    assertTrue(ds.hasLabels());
    assertEquals(List.of("images/y.png", "images/x.JPEG.png"), names(ds));
    assertEquals(7, ds.label(0));
    assertEquals(3, ds.label(1));
    assertEquals(20, red(ds.sample(0)));

    Dataset one = Datasets.open(dir, Preprocess.NONE, 32, null, 1);
    assertEquals(1, one.size());
    assertEquals(7, one.label(0));
  }

  @Test
  void labelsTsvWithoutHeader() throws Exception {
    png(dir.resolve("p.png"), 1);
    Files.writeString(dir.resolve("labels.tsv"), "p.png\t42\n");
    Dataset ds = Datasets.open(dir, Preprocess.NONE, 32, null, 0);
    assertEquals(42, ds.label(0));
  }

  @Test
  void labelsTsvErrors() throws Exception {
    png(dir.resolve("p.png"), 1);
    Files.writeString(dir.resolve("labels.tsv"), "file\tclass\np.png\tseven\n");
    OnnxqException e =
        assertThrows(OnnxqException.class, () -> Datasets.open(dir, Preprocess.NONE, 32, null, 0));
    assertTrue(
        e.getMessage().contains("line 2") && e.getMessage().contains("seven"), e.getMessage());
    Files.writeString(dir.resolve("labels.tsv"), "missing.png\t1\n");
    e = assertThrows(OnnxqException.class, () -> Datasets.open(dir, Preprocess.NONE, 32, null, 0));
    assertTrue(e.getMessage().contains("missing.png"), e.getMessage());
  }

  @Test
  void npyDatasetWithLabels() {
    float[] data = new float[4 * 3 * 2 * 2];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    Path x = dir.resolve("x.npy");
    Path y = dir.resolve("y.npy");
    NpyArray.writeFloat(x, data, new int[] {4, 3, 2, 2});
    NpyArray.writeLong(y, new long[] {5, 6, 7, 8}, new int[] {4});
    Dataset ds = Datasets.open(x, Preprocess.DEIT, 224, y, 0);
    assertInstanceOf(NpyDataset.class, ds);
    assertEquals(4, ds.size());
    assertArrayEquals(new int[] {3, 2, 2}, ds.sampleShape());
    assertArrayEquals(Arrays.copyOfRange(data, 24, 36), ds.sample(2));
    assertEquals(7, ds.label(2));
    Dataset limited = Datasets.open(x, Preprocess.DEIT, 224, y, 2);
    assertEquals(2, limited.size());
    assertThrows(IndexOutOfBoundsException.class, () -> limited.sample(2));
  }

  @Test
  void labelCountMismatchIsReported() {
    Path x = dir.resolve("x.npy");
    Path y = dir.resolve("y.npy");
    NpyArray.writeFloat(x, new float[10 * 3], new int[] {10, 3});
    NpyArray.writeLong(y, new long[9], new int[] {9});
    OnnxqException e =
        assertThrows(OnnxqException.class, () -> Datasets.open(x, Preprocess.NONE, 224, y, 0));
    assertEquals("labels file " + y + " has 9 entries but data has 10 samples", e.getMessage());
  }

  @Test
  void openRejectsMissingWrongAndEmpty() throws Exception {
    OnnxqException missing =
        assertThrows(
            OnnxqException.class,
            () -> Datasets.open(dir.resolve("nope"), Preprocess.DEIT, 224, null, 0));
    assertEquals("data not found: " + dir.resolve("nope"), missing.getMessage());
    Path txt = dir.resolve("data.txt");
    Files.writeString(txt, "x");
    OnnxqException wrong =
        assertThrows(OnnxqException.class, () -> Datasets.open(txt, Preprocess.DEIT, 224, null, 0));
    assertTrue(wrong.getMessage().startsWith("calibration/evaluation data must be"));
    Path empty = Files.createDirectory(dir.resolve("empty"));
    OnnxqException none =
        assertThrows(
            OnnxqException.class, () -> Datasets.open(empty, Preprocess.DEIT, 224, null, 0));
    assertTrue(none.getMessage().startsWith("no images in"), none.getMessage());
    Path ints = dir.resolve("ints.npy");
    NpyArray.writeLong(ints, new long[4], new int[] {2, 2});
    assertThrows(OnnxqException.class, () -> Datasets.open(ints, Preprocess.DEIT, 224, null, 0));
  }

  @Test
  void corruptImageInFolderNamesTheFile() throws Exception {
    png(dir.resolve("ok.png"), 1);
    Files.writeString(dir.resolve("zz.jpg"), "not really a jpeg");
    Dataset ds = Datasets.open(dir, Preprocess.NONE, 32, null, 0);
    OnnxqException e = assertThrows(OnnxqException.class, () -> ds.sample(1));
    assertTrue(e.getMessage().contains("zz.jpg"), e.getMessage());
  }

  @Test
  void batchesAreOrderedAndLastIsSmaller() throws Exception {
    for (int i = 0; i < 7; i++) {
      png(dir.resolve("img" + i + ".png"), i * 10);
    }
    Dataset ds = Datasets.open(dir, Preprocess.NONE, 32, null, 0);
    Batches batches = new Batches(ds, 3);
    assertEquals(3, batches.batchCount());
    List<Integer> counts = new ArrayList<>();
    List<Integer> reds = new ArrayList<>();
    int len = 3 * 32 * 32;
    for (Batches.Batch b : batches) {
      counts.add(b.count());
      assertEquals(b.count() * len, b.data().length);
      assertArrayEquals(new long[] {b.count(), 3, 32, 32}, b.shape());
      assertNull(b.labels());
      for (int i = 0; i < b.count(); i++) {
        reds.add(Math.round(b.data()[i * len] * 255));
        assertArrayEquals(
            ds.sample(b.start() + i), Arrays.copyOfRange(b.data(), i * len, (i + 1) * len));
      }
    }
    assertEquals(List.of(3, 3, 1), counts);
    assertEquals(List.of(0, 10, 20, 30, 40, 50, 60), reds);
  }

  @Test
  void batchesCarryLabelsAndPropagateErrors() {
    Path x = dir.resolve("x.npy");
    Path y = dir.resolve("y.npy");
    NpyArray.writeFloat(x, new float[5 * 2], new int[] {5, 2});
    NpyArray.writeLong(y, new long[] {0, 1, 2, 3, 4}, new int[] {5});
    Batches batches = new Batches(Datasets.open(x, Preprocess.NONE, 2, y, 0), 2);
    assertArrayEquals(new long[] {4}, batches.load(4).labels());
    assertArrayEquals(new long[] {2, 3}, batches.load(2).labels());

    Dataset failing =
        new Dataset() {
          public int size() {
            return 2;
          }

          public int[] sampleShape() {
            return new int[] {1};
          }

          public float[] sample(int index) {
            throw new OnnxqException("cannot decode image bad.jpg: boom");
          }

          public String describe() {
            return "failing";
          }
        };
    OnnxqException e = assertThrows(OnnxqException.class, () -> new Batches(failing, 2).load(0));
    assertEquals("cannot decode image bad.jpg: boom", e.getMessage());
  }

  static List<String> names(Dataset ds) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ds.size(); i++) {
      out.add(ds.sampleName(i));
    }
    return out;
  }
}
