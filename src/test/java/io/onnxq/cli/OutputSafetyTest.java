package io.onnxq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.onnxq.OnnxqException;
import io.onnxq.model.ModelIO;
import io.onnxq.model.OutputFiles;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.StringStringEntryProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No output ever replaces an input or another output, and outputs appear all together or not at
 * all.
 */
class OutputSafetyTest {
  @TempDir Path dir;
  Path model;
  Path calib;
  Path out;
  Path report;

  @BeforeEach
  void setUp() throws Exception {
    model = dir.resolve("vit.onnx");
    Files.write(
        model,
        TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 1).toByteArray());
    TestData.random(dir, 4, 3, 8, 8);
    calib = dir.resolve("random.npy");
    out = dir.resolve("q.onnx");
    report = dir.resolve("r.json");
  }

  private record Run(int code, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(err, true), args);
    return new Run(code, err.toString().strip());
  }

  private String[] convert(Path o, Path r, String... extra) {
    var a =
        new java.util.ArrayList<>(
            java.util.List.of(
                "convert",
                model.toString(),
                "--calib",
                calib.toString(),
                "-o",
                o.toString(),
                "--quiet"));
    if (r != null) a.addAll(java.util.List.of("--report", r.toString()));
    a.addAll(java.util.List.of(extra));
    return a.toArray(String[]::new);
  }

  /** Every file in the folder (recursively) with its content. */
  private Map<String, byte[]> snapshot() throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }

  private static void assertSameFiles(Map<String, byte[]> before, Map<String, byte[]> after) {
    assertEquals(
        before.keySet(), after.keySet(), "no file added or removed (no output, no temp file)");
    for (String k : before.keySet())
      assertArrayEquals(before.get(k), after.get(k), k + " is untouched");
  }

  /**
   * Runs a command that must be refused: one error line containing expected, exit non-zero, no file
   * changed.
   */
  private String refused(String expected, String... args) throws IOException {
    Map<String, byte[]> before = snapshot();
    Run r = run(args);
    assertTrue(r.code != 0, "exit code for " + String.join(" ", args));
    assertEquals(1, r.err.lines().count(), "one line, got: " + r.err);
    assertTrue(r.err.startsWith("onnxq: error: "), r.err);
    assertTrue(r.err.contains(expected), "expected '" + expected + "' in: " + r.err);
    assertSameFiles(before, snapshot());
    return r.err;
  }

  // Defect 1: any output that resolves to an input file or another output is refused.

  @Test
  void reportEqualToModelIsRefused() throws Exception {
    refused("output path is the input model; choose another --report", convert(out, model));
  }

  @Test
  void outputEqualToCalibrationDataIsRefused() throws Exception {
    refused("output path is the calibration data; choose another -o", convert(calib, null));
  }

  @Test
  void reportEqualToCalibrationDataIsRefused() throws Exception {
    refused("output path is the calibration data; choose another --report", convert(out, calib));
  }

  @Test
  void reportEqualToOutputIsRefused() throws Exception {
    refused("output path is also the -o output; choose another --report", convert(out, out));
    Files.writeString(out, "old model"); // also when the output exists already
    Files.createDirectory(dir.resolve("sub"));
    refused("output path is also the -o output", convert(out, dir.resolve("sub/../q.onnx")));
  }

  @Test
  void inputReachedThroughAnotherSpellingIsRefused() throws Exception {
    Files.createDirectory(dir.resolve("sub"));
    refused("the input model", convert(dir.resolve("sub/../vit.onnx"), null));
    refused("the calibration data", convert(dir.resolve("./random.npy"), null));
  }

  @Test
  void symlinkAndHardLinkToAnInputAreRefused() throws Exception {
    Path sym = dir.resolve("sym.onnx");
    Path hard = dir.resolve("hard.onnx");
    try {
      Files.createSymbolicLink(sym, model.getFileName());
      Files.createLink(hard, model);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "links not supported: " + e);
    }
    refused("the input model", convert(sym, null));
    refused("the input model", convert(out, hard));
    Path calibLink = dir.resolve("calib-link.npy");
    Files.createSymbolicLink(calibLink, calib);
    refused("the calibration data", convert(out, calibLink));
    // a symlink in the folder path counts too
    Path linkedDir = dir.resolve("linked");
    Files.createSymbolicLink(linkedDir, dir);
    refused("the input model", convert(linkedDir.resolve("vit.onnx"), null));
  }

  @Test
  void outputInsideCalibrationImageFolderIsRefused() throws Exception {
    Path imgs = Files.createDirectory(dir.resolve("imgs"));
    Files.write(imgs.resolve("a.png"), new byte[] {1, 2, 3});
    calib = imgs;
    refused("inside the calibration data folder", convert(imgs.resolve("a.png"), null));
    refused("inside the calibration data folder", convert(out, imgs.resolve("r.json")));
    Path hard = dir.resolve("hard.png");
    Files.createLink(hard, imgs.resolve("a.png"));
    refused("inside the calibration data folder", convert(hard, null));
  }

  @Test
  void externalDataFileOfTheModelIsRefused() throws Exception {
    Files.write(dir.resolve("weights.bin"), new byte[16]);
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
    TensorProto ext =
        TensorProto.newBuilder()
            .setName("ext.w")
            .setDataType(1)
            .addDims(2)
            .addDims(2)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
            .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("16"))
            .build();
    Files.write(
        model,
        m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(ext)).build().toByteArray());
    refused("external data of the input model", convert(dir.resolve("weights.bin"), null));
    refused("external data of the input model", convert(out, dir.resolve("weights.bin")));
  }

  @Test
  void outputThatIsAFolderIsRefused() throws Exception {
    Files.createDirectory(dir.resolve("folder"));
    refused("output path is a folder", convert(dir.resolve("folder"), null));
  }

  // Defect 2: when one output cannot be written, no output is left at all.

  @Test
  void unwritableReportLeavesNoModelBehind() throws Exception {
    Path tooLong = dir.resolve("r".repeat(300) + ".json"); // longer than any file system allows
    Map<String, byte[]> before = snapshot();
    Run r = run(convert(out, tooLong));
    assertTrue(r.code != 0, r.err);
    assertEquals(1, r.err.lines().count(), "one line, got: " + r.err);
    assertTrue(r.err.startsWith("onnxq: error: cannot write "), r.err);
    assertFalse(Files.exists(out), "the model must not be left behind");
    assertSameFiles(before, snapshot());
  }

  @Test
  void failedTransactionRestoresReplacedOutputsAndRemovesTemps() throws Exception {
    Path a = dir.resolve("a.txt");
    Files.writeString(a, "old");
    Map<String, byte[]> before = snapshot();
    // the second content fails while being written
    try (OutputFiles f = new OutputFiles()) {
      f.output(a, "-o").output(dir.resolve("b.txt"), "--report");
      f.write(a, os -> os.write("new".getBytes(StandardCharsets.UTF_8)));
      assertThrows(
          OnnxqException.class,
          () ->
              f.write(
                  dir.resolve("b.txt"),
                  os -> {
                    os.write(1);
                    throw new IOException("disk full");
                  }));
    }
    assertSameFiles(before, snapshot());
    // the second rename fails after the first one happened: the first is restored
    Path tooLong = dir.resolve("b".repeat(300));
    try (OutputFiles f = new OutputFiles()) {
      f.output(a, "-o").output(tooLong, "--report");
      f.write(a, os -> os.write("new".getBytes(StandardCharsets.UTF_8)));
      f.write(tooLong, os -> os.write(2));
      assertThrows(OnnxqException.class, f::commit);
    }
    assertSameFiles(before, snapshot());
    // an unfinished transaction (e.g. the conversion failed) leaves nothing either
    try (OutputFiles f = new OutputFiles()) {
      f.output(dir.resolve("c.txt"), "-o");
      f.write(dir.resolve("c.txt"), os -> os.write(3));
    }
    assertSameFiles(before, snapshot());
  }

  // Defect 3: a missing output folder is an error, never created.

  @Test
  void missingOutputFolderIsNotCreated() throws Exception {
    Path missing = dir.resolve("no/such");
    refused("output folder does not exist: " + missing, convert(missing.resolve("q.onnx"), null));
    refused("output folder does not exist: " + missing, convert(out, missing.resolve("r.json")));
    assertFalse(Files.exists(dir.resolve("no")));
    assertThrows(
        OnnxqException.class,
        () ->
            ModelIO.write(
                ModelProto.parseFrom(Files.readAllBytes(model)), missing.resolve("m.onnx")));
    assertFalse(Files.exists(dir.resolve("no")));
  }

  // Defects 4 and 5: outputs get the usual permissions; an existing output that is not an input is
  // replaced.

  @Test
  void outputsGetUsualPermissionsAndReplaceOldOutputs() throws Exception {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX permissions");
    Files.writeString(out, "old model");
    Files.writeString(report, "old report");
    Map<String, byte[]> before = snapshot();
    Run r = run(convert(out, report));
    assertEquals(0, r.code, r.err);
    Path probe = Files.createFile(dir.resolve("probe"));
    var usual = Files.getPosixFilePermissions(probe);
    Files.delete(probe);
    assertEquals(
        usual, Files.getPosixFilePermissions(out), "model permissions follow the umask, not 0600");
    assertEquals(
        usual,
        Files.getPosixFilePermissions(report),
        "report permissions follow the umask, not 0600");
    ModelProto q = ModelIO.readProto(out);
    assertTrue(q.getGraph().getNodeCount() > 0);
    assertTrue(Json.MAPPER.readTree(report.toFile()).has("tensors"));
    Map<String, byte[]> after = snapshot();
    assertEquals(before.keySet(), after.keySet(), "no temp or backup file left: " + after.keySet());
    assertArrayEquals(before.get("vit.onnx"), after.get("vit.onnx"));
    assertArrayEquals(before.get("random.npy"), after.get("random.npy"));
  }
}
