package io.onnxq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect and convert print the integer-only check for quantized models, and only for them. */
class InspectIntegerOnlyTest {
  @TempDir Path dir;

  @Test
  void quantizedModelGetsTheCheckFp32DoesNot() throws Exception {
    Path fp32 = dir.resolve("vit.onnx");
    Files.write(
        fp32,
        TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2).toByteArray());
    TestData.random(dir, 8, 3, 8, 8);
    Path q = dir.resolve("q.onnx");
    FixedBatchTest.Run c =
        FixedBatchTest.run(
            "convert",
            fp32.toString(),
            "--calib",
            dir.resolve("random.npy").toString(),
            "-o",
            q.toString(),
            "--pts",
            "--lis",
            "--quiet");
    assertEquals(0, c.code(), c.err());
    assertEquals(2, c.out().lines().count(), c.out());
    assertTrue(c.out().lines().toList().get(1).startsWith("integer-only: no, "), c.out());

    FixedBatchTest.Run text = FixedBatchTest.run("inspect", q.toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().startsWith("integer-only: no, "), text.out());
    assertTrue(text.out().contains("(Erf)"), text.out());

    FixedBatchTest.Run json = FixedBatchTest.run("inspect", q.toString(), "--json");
    assertEquals(0, json.code(), json.err());
    JsonNode j = Json.MAPPER.readTree(json.out()).get("integerOnly");
    assertTrue(j.get("quantized").asBoolean(), json.out());
    assertFalse(j.get("integerOnly").asBoolean());
    assertTrue(j.get("breaking").size() > 0);

    FixedBatchTest.Run plain = FixedBatchTest.run("inspect", fp32.toString());
    assertEquals(0, plain.code(), plain.err());
    assertFalse(plain.out().contains("integer-only"), plain.out());
  }
}
