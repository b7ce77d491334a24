package io.onnxq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.data.NpyArray;
import io.onnxq.testutil.CliRun;
import io.onnxq.testutil.ModelBuilder;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input ends with one clear line on stderr, a non-zero exit and no output file. */
class BadInputTest {
  @TempDir Path dir;
  Path model;
  Path calib;
  Path out;

  @BeforeEach
  void setUp() throws Exception {
    model = dir.resolve("vit.onnx");
    Files.write(
        model,
        TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 1).toByteArray());
    TestData.random(dir, 4, 3, 8, 8);
    calib = dir.resolve("random.npy");
    out = dir.resolve("out.onnx");
  }

  private String fails(String expected, String... args) {
    String msg = CliRun.failsWithOneLine(expected, args);
    assertFalse(Files.exists(out), "no output file may be written");
    return msg;
  }

  private String convert(Path m, Path data) {
    return "convert " + m + " --calib " + data + " -o " + out + " --quiet";
  }

  @Test
  void notAnOnnxFile() throws Exception {
    Path txt = dir.resolve("notes.onnx");
    Files.writeString(txt, "hello");
    fails("not a valid ONNX file", convert(txt, calib).split(" "));
  }

  @Test
  void truncatedFile() throws Exception {
    byte[] b = Files.readAllBytes(model);
    Path t = dir.resolve("trunc.onnx");
    Files.write(t, java.util.Arrays.copyOf(b, b.length - 100));
    fails("trunc.onnx", convert(t, calib).split(" "));
  }

  @Test
  void missingInputName() throws Exception {
    ModelBuilder b = new ModelBuilder(13).input("x", -1, 4).output("y", -1, 4);
    String y = b.node("Add", "x", "missing_tensor");
    Path m = dir.resolve("dangling.onnx");
    Files.write(m, b.rename(y, "y").build().toByteArray());
    fails("'missing_tensor'", convert(m, calib).split(" "));
  }

  @Test
  void noTransformerBlocks() throws Exception {
    ModelBuilder b = new ModelBuilder(13).input("x", -1, 4).output("y", -1, 4);
    String y = b.node("MatMul", "x", b.randomInit("w", 1, 4, 4));
    Path m = dir.resolve("mlp.onnx");
    Files.write(m, b.rename(y, "y").build().toByteArray());
    fails("no transformer structure", convert(m, calib).split(" "));
  }

  @Test
  void unreadableImage() throws Exception {
    Path imgs = Files.createDirectory(dir.resolve("imgs"));
    Files.writeString(imgs.resolve("broken.jpg"), "not a jpeg");
    fails("broken.jpg", (convert(model, imgs) + " --image-size 8").split(" "));
  }

  @Test
  void calibrationShapeMismatch() {
    Path wrong = dir.resolve("wrong.npy");
    NpyArray.writeFloat(wrong, new float[4 * 3 * 16 * 16], new int[] {4, 3, 16, 16});
    fails("expects", convert(model, wrong).split(" "));
  }

  @Test
  void refinementWithoutAdaLog() {
    fails("add --adalog", (convert(model, calib) + " --wbits 4 --abits 4 --gptq").split(" "));
  }

  @Test
  void missingCalibrationData() {
    fails("not found", convert(model, dir.resolve("nothing.npy")).split(" "));
  }

  @Test
  void outputPathEqualsInput() throws Exception {
    out = model;
    long size = Files.size(model);
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(err, true),
            "convert",
            model.toString(),
            "--calib",
            calib.toString(),
            "-o",
            model.toString(),
            "--quiet");
    assertTrue(code != 0);
    assertTrue(err.toString().contains("output path is the input model"), err.toString());
    assertEquals(size, Files.size(model), "the input is untouched");
  }

  @Test
  void unknownMethod() {
    fails("valid methods", (convert(model, calib) + " --method kl").split(" "));
  }
}
