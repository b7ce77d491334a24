package io.onnxq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onnxq.testutil.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `bench` side by side: both batch sizes, the ratio to the first model, the profile, and nothing
 * written next to the models. No timing is asserted: the machine is shared.
 */
class BenchTest {
  static final String CALIB = TestData.TESTMODELS.resolve("fmnist_calib.npy").toString();

  @TempDir Path dir;

  Path copy(String model, String as) throws Exception {
    return Files.copy(TestData.TESTMODELS.resolve(model), dir.resolve(as));
  }

  @Test
  void jsonHasEveryBatchSizeTheRatiosAndTheProfile() throws Exception {
    Path a = copy("vit_fmnist_op13.onnx", "a.onnx");
    Path b = copy("vit_fmnist_op17.onnx", "b.onnx");
    FixedBatchTest.Run r =
        FixedBatchTest.run(
            "bench",
            a.toString(),
            b.toString(),
            a.toString(),
            "--data",
            CALIB,
            "--runs",
            "3",
            "--warmup",
            "1",
            "--threads",
            "1",
            "--profile",
            "--json");
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("note:"), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    List<String> keys = new ArrayList<>();
    j.fieldNames().forEachRemaining(keys::add);
    // the same model given twice keeps both rows
    assertEquals(List.of(a.toString(), b.toString(), a + "#2"), keys);
    for (String k : keys) {
      JsonNode m = j.get(k);
      JsonNode batches = m.get("batches");
      assertEquals(List.of("1", "8"), names(batches), k);
      // the top level stays batch 1, for readers of the older output
      assertEquals(batches.get("1").get("medianMs").asDouble(), m.get("medianMs").asDouble(), k);
      assertEquals(1, m.get("batch").asInt(), k);
      assertEquals(Files.size(Path.of(k.replace("#2", ""))), m.get("bytes").asLong(), k);
      for (JsonNode l : batches) {
        assertEquals(3, l.get("runs").asInt(), k);
        assertTrue(l.get("p10Ms").asDouble() <= l.get("medianMs").asDouble(), l.toString());
        assertTrue(l.get("medianMs").asDouble() <= l.get("p90Ms").asDouble(), l.toString());
        assertTrue(l.get("ratio").asDouble() > 0, l.toString());
      }
      JsonNode profile = m.get("profile");
      assertTrue(profile.size() > 0 && profile.size() <= 10, profile.toString());
      double sum = 0;
      for (JsonNode op : profile) {
        assertFalse(op.get("op").asText().isEmpty(), op.toString());
        assertTrue(op.get("ms").asDouble() >= 0, op.toString());
        sum += op.get("percent").asDouble();
      }
      assertTrue(sum > 0 && sum <= 100 + 1e-6, profile.toString());
      assertTrue(profile.toString().contains("\"MatMul\""), profile.toString());
    }
    assertEquals(1.0, j.get(a.toString()).get("batches").get("1").get("ratio").asDouble());
    assertEquals(1.0, j.get(a.toString()).get("batches").get("8").get("ratio").asDouble());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(2, files.count(), "no trace next to the models");
    }
  }

  @Test
  void textIsOneTableWithAColumnGroupPerBatchSize() throws Exception {
    Path a = copy("vit_fmnist_op13.onnx", "a.onnx");
    Path b = copy("vit_fmnist_op17.onnx", "b.onnx");
    FixedBatchTest.Run r =
        FixedBatchTest.run(
            "bench",
            a.toString(),
            b.toString(),
            "--data",
            CALIB,
            "--runs",
            "2",
            "--warmup",
            "0",
            "--threads",
            "1",
            "--batch",
            "8,1,8",
            "--profile");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertTrue(
        lines.get(0).contains("ratio = median / median of the first model (" + a + ")"), r.out());
    String head = lines.get(1);
    assertTrue(head.startsWith("model"), r.out());
    assertTrue(head.indexOf("batch 1 ms") < head.indexOf("batch 8 ms"), head);
    assertEquals(1, head.split("batch 8 ms", -1).length - 1, "sizes are deduplicated: " + head);
    assertTrue(lines.get(2).startsWith(a.toString()), r.out());
    assertEquals(3, lines.get(2).split("1\\.00x", -1).length, "1.00x at both sizes: " + r.out());
    assertTrue(lines.get(3).startsWith(b.toString()), r.out());
    assertTrue(lines.get(4).startsWith("top op types by kernel time"), r.out());
    assertTrue(lines.get(5).startsWith("  " + a + ":  "), r.out());
    assertTrue(lines.get(6).contains("MatMul"), r.out());
  }

  static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
