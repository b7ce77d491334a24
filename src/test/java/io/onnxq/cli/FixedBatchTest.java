package io.onnxq.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onnxq.model.ModelIO;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.testutil.FixedBatchModels;
import io.onnxq.testutil.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models that run only at batch 1 (declared static batch, batch baked into an attention Reshape, a
 * graph that mixes the samples of a batch): every command notes it once and runs at batch 1, and
 * the numbers equal those of the unmodified model at batch 1.
 */
class FixedBatchTest {
  static final Path VIT = TestData.TESTMODELS.resolve("vit_fmnist_op13.onnx");
  static final String CALIB = TestData.TESTMODELS.resolve("fmnist_calib.npy").toString();
  static final String TEST = TestData.TESTMODELS.resolve("fmnist_test.npy").toString();
  static final String LABELS = TestData.TESTMODELS.resolve("fmnist_test_labels.npy").toString();
  static final String DECLARED = " runs only at batch 1 (input 'input' declares batch 1); ";
  static final String BAKED = " runs only at batch 1 (batch 2 fails in ONNX Runtime: ";

  @TempDir static Path dir;

  /** Top-1 of the unmodified model, evaluated at batch 1. */
  static double fp32Top1;

  @BeforeAll
  static void reference() throws Exception {
    Run r =
        run(
            "eval",
            VIT.toString(),
            "--data",
            TEST,
            "--labels",
            LABELS,
            "--batch-size",
            "1",
            "--json");
    assertEquals(0, r.code, r.err);
    assertFalse(r.err.contains("note:"), "a dynamic-batch model gets no note: " + r.err);
    fp32Top1 = Json.MAPPER.readTree(r.out).get("top1").asDouble();
    assertTrue(fp32Top1 > 80, "FP32 top-1 " + fp32Top1);
  }

  record Run(int code, String out, String err) {}

  /** Runs a command line, capturing stdout and stderr (progress and notes go to System.err). */
  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter cliErr = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, UTF_8));
      System.setErr(new PrintStream(err, true, UTF_8));
      int code = Main.run(new PrintWriter(cliErr, true), args);
      return new Run(code, out.toString(UTF_8), err.toString(UTF_8) + cliErr);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static Path write(String name, ModelProto m) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, m.toByteArray());
    return p;
  }

  static long notes(String err) {
    return err.lines().filter(l -> l.startsWith("note:")).count();
  }

  /** The one note line: {@code start}, the reason, then what runs at batch 1. */
  static void assertNote(String err, String start, String doing) {
    assertEquals(1, notes(err), "one note: " + err);
    String note = err.lines().filter(l -> l.startsWith("note:")).findFirst().orElseThrow();
    assertTrue(note.startsWith(start), note);
    assertTrue(note.endsWith("); " + doing + " at batch 1"), note);
  }

  static Path convert(Path model, String out, String note, String... extra) {
    Path o = dir.resolve(out);
    String[] args = new String[6 + extra.length];
    System.arraycopy(
        new String[] {"convert", model.toString(), "--calib", CALIB, "-o", o.toString()},
        0,
        args,
        0,
        6);
    System.arraycopy(extra, 0, args, 6, extra.length);
    Run r = run(args);
    assertEquals(0, r.code, r.err);
    assertNote(r.err, note, "calibrating and measuring layer errors");
    assertTrue(r.out.startsWith("wrote " + o), r.out);
    assertTrue(Files.isRegularFile(o));
    return o;
  }

  static JsonNode eval(Path model, Path ref, String note) throws Exception {
    Run r =
        run(
            "eval",
            model.toString(),
            "--data",
            TEST,
            "--labels",
            LABELS,
            "--ref",
            ref.toString(),
            "--json");
    assertEquals(0, r.code, r.err);
    assertNote(r.err, note, "evaluating");
    return Json.MAPPER.readTree(r.out);
  }

  static void verify(Path quant, Path ref, String note) {
    Run r = run("verify", quant.toString(), "--calib", CALIB, "--ref", ref.toString());
    assertEquals(0, r.code, r.out + r.err);
    assertNote(r.err, note, "verifying");
    assertTrue(r.out.contains("OK: every custom op matches its reference kernel"), r.out);
    assertTrue(r.out.contains("vs reference: samples 16"), r.out);
  }

  @Test
  void declaredBatchConvertsEvaluatesAndVerifies() throws Exception {
    Path fp32 = write("declared.onnx", FixedBatchModels.declaredBatch(ModelIO.readProto(VIT), 1));
    Path w8a8 = convert(fp32, "declared_w8a8.onnx", "note: model" + DECLARED);
    Path fq = convert(fp32, "declared_fq.onnx", "note: model" + DECLARED, "--pts", "--lis");

    // With several models (here the model and its reference) the note names the one that is fixed.
    JsonNode self = eval(fp32, fp32, "note: " + fp32 + DECLARED);
    assertEquals(fp32Top1, self.get("top1").asDouble(), 1e-9, "same model, same numbers");
    assertEquals(100, self.get("agreement").asDouble(), 1e-9);
    // The quantized model keeps the declared input, so it is the one named in the note.
    JsonNode q = eval(w8a8, fp32, "note: " + w8a8 + DECLARED);
    assertTrue(Math.abs(fp32Top1 - q.get("top1").asDouble()) <= 0.5, q.toString());
    assertTrue(q.get("agreement").asDouble() >= 97, q.toString());

    verify(fq, fp32, "note: " + fq + DECLARED);
  }

  @Test
  void bakedBatchConvertsEvaluatesAndVerifiesAtBatch1() throws Exception {
    Path fp32 = write("baked.onnx", FixedBatchModels.bakedBatch1(ModelIO.readProto(VIT), 50));
    Path w8a8 = convert(fp32, "baked_w8a8.onnx", "note: model" + BAKED);
    Path fq = convert(fp32, "baked_fq.onnx", "note: model" + BAKED, "--pts", "--lis");

    JsonNode q = eval(w8a8, fp32, "note: " + w8a8 + BAKED);
    // The unmodified model converted at batch 1 calibrates on the very same tensors.
    Path plain = dir.resolve("plain_w8a8.onnx");
    Run r =
        run(
            "convert",
            VIT.toString(),
            "--calib",
            CALIB,
            "-o",
            plain.toString(),
            "--batch-size",
            "1",
            "--quiet");
    assertEquals(0, r.code, r.err);
    Run e =
        run(
            "eval",
            plain.toString(),
            "--data",
            TEST,
            "--labels",
            LABELS,
            "--ref",
            VIT.toString(),
            "--json");
    JsonNode p = Json.MAPPER.readTree(e.out);
    assertEquals(p.get("top1").asDouble(), q.get("top1").asDouble(), 1e-9, q + " vs " + p);
    assertEquals(
        p.get("agreement").asDouble(), q.get("agreement").asDouble(), 1e-9, q + " vs " + p);
    assertTrue(q.get("agreement").asDouble() >= 97, q.toString());

    JsonNode self = eval(fp32, fp32, "note: " + fp32 + BAKED);
    assertEquals(fp32Top1, self.get("top1").asDouble(), 1e-9);

    verify(fq, fp32, "note: " + fq + BAKED);
  }

  @Test
  void graphThatMixesSamplesIsEvaluatedAtBatch1() throws Exception {
    // Batch 2 runs but is wrong; at the default batch of 16 the top-1 would drop.
    Path mixed = write("mixed.onnx", FixedBatchModels.mixedBatch(ModelIO.readProto(VIT)));
    Run r = run("eval", mixed.toString(), "--data", TEST, "--labels", LABELS, "--json");
    assertEquals(0, r.code, r.err);
    assertTrue(
        r.err.contains(
            "note: model runs only at batch 1 (at batch 2 ONNX Runtime changes the first sample's "
                + "output 'logits' when a second sample joins it"),
        r.err);
    assertTrue(r.err.contains("mixes the samples of a batch); evaluating at batch 1"), r.err);
    assertEquals(fp32Top1, Json.MAPPER.readTree(r.out).get("top1").asDouble(), 1e-9);
  }

  @Test
  void benchRunsAtTheDeclaredBatch() throws Exception {
    Path one = write("bench1.onnx", FixedBatchModels.declaredBatch(ModelIO.readProto(VIT), 1));
    Path four = write("bench4.onnx", FixedBatchModels.declaredBatch(ModelIO.readProto(VIT), 4));
    String[] args = {
      "bench", one.toString(), four.toString(), "--data", CALIB, "--runs", "3", "--warmup", "1"
    };
    Run r = run(concat(args, "--batch", "1"));
    assertEquals(0, r.code, r.err);
    assertEquals(
        1, notes(r.err), "batch 1 is what bench asks for; only batch 4 is noted: " + r.err);
    assertTrue(
        r.err.contains(
            "note: "
                + four
                + " runs only at batch 4 (input 'input' declares batch 4); benchmarking at batch 4"),
        r.err);
    String row1 = r.out.lines().filter(l -> l.startsWith(one.toString())).findFirst().orElseThrow();
    String row4 =
        r.out.lines().filter(l -> l.startsWith(four.toString())).findFirst().orElseThrow();
    assertTrue(row1.endsWith("1.00x"), r.out);
    // timed at batch 4 in the batch-1 column, so no ratio to a batch-1 latency
    assertTrue(row4.endsWith("(batch 4)"), r.out);

    // At the default batch sizes, 1 and 8, both models are fixed at a batch: each is timed once.
    r = run(concat(args, "--json"));
    assertEquals(0, r.code, r.err);
    assertEquals(2, notes(r.err), r.err);
    assertTrue(
        r.err.contains(
            "note: "
                + one
                + " runs only at batch 1 (input 'input' declares batch 1); benchmarking at batch 1"),
        r.err);
    JsonNode j = Json.MAPPER.readTree(r.out);
    JsonNode b1 = j.get(one.toString()).get("batches");
    assertEquals(1, b1.size(), b1.toString());
    assertEquals(1.0, b1.get("1").get("ratio").asDouble());
    JsonNode b4 = j.get(four.toString());
    assertEquals(4, b4.get("batch").asInt(), b4.toString());
    assertEquals(1, b4.get("batches").size(), b4.toString());
    assertTrue(b4.get("batches").get("4").get("ratio").isNull(), b4.toString());
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
