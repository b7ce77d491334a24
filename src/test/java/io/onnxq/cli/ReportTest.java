package io.onnxq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  @Test
  void reportListsEveryQuantizedTensorAndLayerError() throws Exception {
    Path model = dir.resolve("vit.onnx");
    Files.write(
        model,
        TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2).toByteArray());
    TestData.random(dir, 8, 3, 8, 8);
    Path report = dir.resolve("r.json");
    int code =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            "convert",
            model.toString(),
            "--calib",
            dir.resolve("random.npy").toString(),
            "-o",
            dir.resolve("q.onnx").toString(),
            "--report",
            report.toString(),
            "--pts",
            "--lis",
            "--quiet");
    assertEquals(0, code);
    JsonNode r = Json.MAPPER.readTree(report.toFile());
    int weights = 0;
    int ptf = 0;
    int codes = 0;
    for (JsonNode t : r.get("tensors")) {
      if (t.get("role").asText().equals("attn.probs (log2 codes)")) {
        codes++; // the integer softmax's codes have no scale of their own
        assertEquals(4, t.get("bits").asInt(), t.toString());
        continue;
      }
      assertTrue(t.get("scale").size() > 0, t.toString());
      if (t.get("kind").asText().equals("weight")) weights++;
      if (t.get("perChannel").asBoolean() && t.get("kind").asText().equals("activation")) ptf++;
    }
    assertEquals(10, weights, "8 block linears + patch embed + head");
    assertEquals(5, ptf, "every LayerNorm input has PTF factors");
    assertEquals(2, codes, "both attentions' probabilities are log2 codes");
    assertEquals(12, r.get("layers").size(), "10 linears + 2 attentions");
    for (JsonNode l : r.get("layers")) assertTrue(l.get("cosine").asDouble() > 0, l.toString());
    assertEquals(dir.resolve("q.onnx").toString(), r.get("output").asText());
  }
}
