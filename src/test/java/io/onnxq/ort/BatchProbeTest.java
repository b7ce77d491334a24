package io.onnxq.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.model.ModelIO;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.testutil.FixedBatchModels;
import io.onnxq.testutil.TestData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchProbeTest {
  static final int[] SAMPLE = {1, 28, 28};

  /** 7 x 7 patches and the cls token. */
  static final long TOKENS = 50;

  static final ModelProto VIT =
      ModelIO.readProto(TestData.TESTMODELS.resolve("vit_fmnist_op13.onnx"));

  @Test
  void dynamicModelRunsAtAnyBatch() {
    BatchProbe.Limit l = BatchProbe.probe(VIT, SAMPLE);
    assertFalse(l.fixed(), l.reason());
    assertEquals(8, l.batchSize(8));
    assertEquals(8, l.wholeBatches(8));
  }

  @Test
  void declaredFirstDimFixesTheBatch() {
    BatchProbe.Limit l = BatchProbe.probe(FixedBatchModels.declaredBatch(VIT, 1), SAMPLE);
    assertEquals(new BatchProbe.Limit(1, "input 'input' declares batch 1"), l);
    assertEquals(1, l.batchSize(8));
  }

  @Test
  void bakedReshapeFailsAtBatch2() {
    BatchProbe.Limit l = BatchProbe.probe(FixedBatchModels.bakedBatch1(VIT, TOKENS), SAMPLE);
    assertEquals(1, l.batch(), l.reason());
    assertTrue(l.reason().startsWith("batch 2 fails in ONNX Runtime: "), l.reason());
    assertTrue(l.reason().contains("Reshape"), l.reason());
    assertFalse(l.reason().contains("\n"), "one line");
  }

  @Test
  void graphThatMixesSamplesIsFixedToo() {
    BatchProbe.Limit l = BatchProbe.probe(FixedBatchModels.mixedBatch(VIT), SAMPLE);
    assertEquals(1, l.batch(), l.reason());
    assertTrue(l.reason().contains("mixes the samples of a batch"), l.reason());
  }

  @Test
  void modelThatFailsAtBatch1IsLeftToTheNormalErrorPath() {
    assertFalse(BatchProbe.probe(VIT, new int[] {3, 8, 8}).fixed(), "wrong sample shape");
    assertFalse(BatchProbe.probe(ModelProto.getDefaultInstance(), SAMPLE).fixed(), "no inputs");
  }

  @Test
  void noteOnlyWhenTheRequestIsOverridden() {
    ModelProto baked = FixedBatchModels.bakedBatch1(VIT, TOKENS);
    List<String> notes = new ArrayList<>();
    assertEquals(
        1,
        BatchProbe.limit(
                List.of(VIT, baked),
                List.of("a.onnx", "b.onnx"),
                SAMPLE,
                10,
                16,
                "evaluating",
                notes::add)
            .batchSize(16));
    assertEquals(1, notes.size());
    assertTrue(
        notes
            .get(0)
            .matches(
                "note: b\\.onnx runs only at batch 1 \\(batch 2 fails in ONNX Runtime: .*\\); "
                    + "evaluating at batch 1"),
        notes.get(0));
    notes.clear();
    // At a requested batch of 1 nothing changes and nothing runs: only the declaration is read.
    assertFalse(
        BatchProbe.limit(List.of(baked), List.of("b"), SAMPLE, 10, 1, "x", notes::add).fixed());
    assertEquals(
        1,
        BatchProbe.limit(
                List.of(FixedBatchModels.declaredBatch(VIT, 1)),
                List.of("d"),
                SAMPLE,
                10,
                1,
                "x",
                notes::add)
            .batch());
    assertTrue(notes.isEmpty(), notes.toString());
  }

  @Test
  void fixedBatchAboveOneNeedsWholeBatches() {
    ModelProto four = FixedBatchModels.declaredBatch(VIT, 4);
    List<String> notes = new ArrayList<>();
    BatchProbe.Limit l =
        BatchProbe.limit(List.of(four), List.of("m"), SAMPLE, 12, 1, "benchmarking", notes::add);
    assertEquals(4, l.batchSize(1));
    assertEquals(8, l.wholeBatches(8));
    assertEquals(4, l.wholeBatches(3));
    assertEquals(
        List.of(
            "note: model runs only at batch 4 (input 'input' declares batch 4); benchmarking at batch 4"),
        notes);
    OnnxqException e =
        assertThrows(
            OnnxqException.class,
            () ->
                BatchProbe.limit(
                    List.of(four), List.of("m"), SAMPLE, 10, 8, "evaluating", notes::add));
    assertTrue(e.getMessage().contains("use a multiple of 4 samples"), e.getMessage());
    e =
        assertThrows(
            OnnxqException.class,
            () ->
                BatchProbe.limit(
                    List.of(four, FixedBatchModels.declaredBatch(VIT, 1)),
                    List.of("four.onnx", "one.onnx"),
                    SAMPLE,
                    12,
                    8,
                    "evaluating",
                    notes::add));
    assertEquals(
        "four.onnx runs only at batch 4 but one.onnx only at batch 1; run them separately",
        e.getMessage());
  }
}
