package io.onnxq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.observe.RowSampler;
import io.onnxq.data.NpyArray;
import io.onnxq.testutil.CliRun;
import io.onnxq.testutil.ModelBuilder;
import io.onnxq.testutil.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data enters onnxq through calibration files, evaluation files and labels, images and option
 * values; each kind of bad value ends as one line on stderr and a non-zero exit, never as a silent
 * wrong number or an internal error.
 */
class InputValidationTest {
  static final Path MODEL = TestData.TESTMODELS.resolve("vit_fmnist_op13.onnx");
  static final Path CALIB = TestData.TESTMODELS.resolve("fmnist_calib.npy");
  static final Path TEST = TestData.TESTMODELS.resolve("fmnist_test.npy");
  static final Path LABELS = TestData.TESTMODELS.resolve("fmnist_test_labels.npy");
  static final int SAMPLE = 28 * 28;

  @TempDir Path dir;

  private String fails(String expected, String... args) {
    return CliRun.failsWithOneLine(expected, args);
  }

  /** The first {@code n} rows of a shipped float32 .npy, with {@code change} applied, in dir. */
  private Path copy(Path src, int n, String name, java.util.function.Consumer<float[]> change) {
    float[] v = NpyArray.read(src).readFloatRows(0, n);
    change.accept(v);
    Path f = dir.resolve(name);
    NpyArray.writeFloat(f, v, new int[] {n, 1, 28, 28});
    return f;
  }

  private Path labels(long... v) {
    Path f = dir.resolve("labels.npy");
    NpyArray.writeLong(f, v, new int[] {v.length});
    return f;
  }

  private Path out() {
    return dir.resolve("out.onnx");
  }

  // --- 1. non-finite data ---

  @Test
  void nanPixelInCalibrationIsRefused() {
    Path nan = copy(CALIB, 16, "calib_nan.npy", v -> v[3 * SAMPLE + 100] = Float.NaN);
    String msg =
        fails(
            "sample 3 (calib_nan.npy[3])",
            "convert",
            MODEL.toString(),
            "--calib",
            nan.toString(),
            "--pts",
            "--lis",
            "-o",
            out().toString(),
            "--quiet");
    assertTrue(msg.contains("non-finite"), msg);
    assertFalse(Files.exists(out()));
  }

  @Test
  void infinityInEvalDataIsRefused() {
    Path inf = copy(TEST, 24, "test_inf.npy", v -> v[19 * SAMPLE] = Float.POSITIVE_INFINITY);
    fails(
        "sample 19 (test_inf.npy[19])",
        "eval",
        MODEL.toString(),
        "--data",
        inf.toString(),
        "--ref",
        MODEL.toString(),
        "--batch-size",
        "8");
  }

  @Test
  void nanInBenchDataIsRefused() {
    Path nan = copy(TEST, 2, "bench_nan.npy", v -> v[3] = Float.NaN);
    fails(
        "sample 0 (bench_nan.npy[0])",
        "bench",
        MODEL.toString(),
        "--data",
        nan.toString(),
        "--runs",
        "1");
  }

  @Test
  void nanInVerifyDataIsRefused() {
    assertEquals(
        0,
        Main.run(
            new PrintWriter(new StringWriter(), true),
            "convert",
            MODEL.toString(),
            "--calib",
            CALIB.toString(),
            "--calib-count",
            "8",
            "--pts",
            "--lis",
            "-o",
            out().toString(),
            "--quiet"));
    Path nan = copy(CALIB, 8, "verify_nan.npy", v -> v[5 * SAMPLE + 7] = Float.NaN);
    fails("sample 5 (verify_nan.npy[5])", "verify", out().toString(), "--calib", nan.toString());
  }

  @Test
  void overflowingActivationsAreRefused() {
    Path huge = copy(CALIB, 8, "huge.npy", v -> Arrays.fill(v, 3e38f));
    String msg =
        fails(
            "activation 'input' is 3.0E38",
            "convert",
            MODEL.toString(),
            "--calib",
            huge.toString(),
            "--pts",
            "--lis",
            "-o",
            out().toString(),
            "--quiet");
    assertTrue(msg.contains("overflows"), msg);
    assertFalse(Files.exists(out()));
    fails(
        "activation '",
        "convert",
        MODEL.toString(),
        "--calib",
        huge.toString(),
        "-o",
        out().toString(),
        "--quiet");
    assertFalse(Files.exists(out()));
  }

  @Test
  void rowSamplerSkipsNonFiniteRows() {
    RowSampler s = new RowSampler(16, 1);
    float[] data = {1, 2, Float.NaN, 4, 5, 6, Float.POSITIVE_INFINITY, 8, 9, 10};
    s.update(data, 5, 2);
    assertEquals(3, s.rows());
    assertTrue(Arrays.equals(new float[] {1, 2, 5, 6, 9, 10}, s.data()), Arrays.toString(s.data()));
  }

  // --- 2. eval counting ---

  @Test
  void labelOutOfRangeIsRefused() {
    long[] l = new long[24];
    l[21] = 10;
    Path data = copy(TEST, 24, "t.npy", v -> {});
    fails(
        "label 10 of sample 21 (t.npy[21]) is outside the 10 classes",
        "eval",
        MODEL.toString(),
        "--data",
        data.toString(),
        "--labels",
        labels(l).toString());
    l[21] = 0;
    l[4] = -1;
    fails(
        "label -1 of sample 4",
        "eval",
        MODEL.toString(),
        "--data",
        data.toString(),
        "--labels",
        labels(l).toString());
  }

  /** x [N,1,28,28] -> Flatten -> MatMul [784, classes] (-> Sqrt, which gives NaN for negatives). */
  private Path linear(String name, int classes, boolean sqrt) throws Exception {
    ModelBuilder b = new ModelBuilder(13).input("x", -1, 1, 28, 28).output("y", -1, classes);
    String h = b.node("MatMul", b.node("Flatten", "x"), b.randomInit("w", 0.05f, SAMPLE, classes));
    if (sqrt) h = b.node("Sqrt", h);
    Path f = dir.resolve(name);
    Files.write(f, b.rename(h, "y").build().toByteArray());
    return f;
  }

  @Test
  void nanLogitsAreRefused() throws Exception {
    Path nanModel = linear("nan_logits.onnx", 10, true);
    Path data = copy(TEST, 16, "t.npy", v -> {});
    long[] l = new long[16];
    String msg =
        fails(
            "nan_logits.onnx produced a non-finite logit",
            "eval",
            nanModel.toString(),
            "--data",
            data.toString(),
            "--labels",
            labels(l).toString());
    assertTrue(msg.contains("for sample "), msg);
    fails(
        "(--ref) produced a non-finite logit",
        "eval",
        MODEL.toString(),
        "--data",
        data.toString(),
        "--ref",
        nanModel.toString());
  }

  @Test
  void referenceWithOtherClassCountIsRefused() throws Exception {
    Path seven = linear("seven.onnx", 7, false);
    Path data = copy(TEST, 16, "t.npy", v -> {});
    fails(
        "has 10 classes but " + seven + " (--ref) has 7",
        "eval",
        MODEL.toString(),
        "--data",
        data.toString(),
        "--ref",
        seven.toString());
  }

  @Test
  void validEvalStillWorks() {
    Path data = copy(TEST, 16, "t.npy", v -> {});
    long[] all = NpyArray.read(LABELS).asLongs();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(err, true),
            "eval",
            MODEL.toString(),
            "--data",
            data.toString(),
            "--labels",
            labels(Arrays.copyOf(all, 16)).toString(),
            "--json");
    assertEquals(0, code, err.toString());
  }

  // --- 3. and 4. option values and unknown commands ---

  @Test
  void nonPositiveCountsAreRefused() {
    String m = MODEL.toString();
    String c = CALIB.toString();
    fails("--batch-size", "eval", m, "--data", c, "--ref", m, "--batch-size", "0");
    fails("must be at least 1, got -3", "eval", m, "--data", c, "--ref", m, "--batch-size", "-3");
    fails("--batch-size", "verify", m, "--calib", c, "--batch-size", "0");
    fails("--runs", "bench", m, "--data", c, "--runs", "0");
    fails("--warmup", "bench", m, "--data", c, "--warmup", "-1");
    fails("--batch", "bench", m, "--data", c, "--batch", "1,0");
    fails("batch 2147483647 is too large", "bench", m, "--data", c, "--batch", "2147483647");
    fails(
        "--calib-count", "convert", m, "--calib", c, "--calib-count", "0", "-o", out().toString());
    fails(
        "must be at least 1, got -1",
        "convert",
        m,
        "--calib",
        c,
        "--calib-count",
        "-1",
        "-o",
        out().toString());
    fails("--batch-size", "convert", m, "--calib", c, "--batch-size", "0", "-o", out().toString());
    fails("--calib-count", "verify", m, "--calib", c, "--calib-count", "0");
    fails("--limit", "eval", m, "--data", c, "--ref", m, "--limit", "-1");
    fails("--image-size", "eval", m, "--data", c, "--ref", m, "--image-size", "0");
    fails("is not an integer", "eval", m, "--data", c, "--ref", m, "--batch-size", "x");
    fails(
        "is not a number in range",
        "eval",
        m,
        "--data",
        c,
        "--ref",
        m,
        "--batch-size",
        "99999999999");
    assertFalse(Files.exists(out()));
  }

  @Test
  void missingOptionIsOneLine() {
    fails("--data", "eval", MODEL.toString());
  }

  @Test
  void unknownCommand() {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(err, true), "compre", "x.onnx");
    String msg = err.toString().strip();
    assertEquals(2, code, msg);
    assertEquals(1, msg.lines().count(), msg);
    assertTrue(msg.startsWith("onnxq: error: unknown command 'compre'"), msg);
    assertTrue(msg.contains("--help"), msg);
  }

  @Test
  void overflowingNpyShape() throws Exception {
    for (String shape : new String[] {"100000, 100000, 100000", "10000000, 10000000, 10000000"}) {
      Path f = dir.resolve("big.npy");
      String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
      StringBuilder h = new StringBuilder(header);
      while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
      h.append('\n');
      byte[] hb = h.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      java.nio.ByteBuffer bb =
          java.nio.ByteBuffer.allocate(10 + hb.length + 64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      bb.put((byte) 0x93)
          .put("NUMPY".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
          .put((byte) 1)
          .put((byte) 0);
      bb.putShort((short) hb.length).put(hb);
      Files.write(f, bb.array());
      fails(
          "big.npy",
          "convert",
          MODEL.toString(),
          "--calib",
          f.toString(),
          "-o",
          out().toString(),
          "--quiet");
      fails("big.npy", "eval", MODEL.toString(), "--data", f.toString(), "--ref", MODEL.toString());
    }
  }
}
