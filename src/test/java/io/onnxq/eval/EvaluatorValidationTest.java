package io.onnxq.eval;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import org.junit.jupiter.api.Test;

/** Labels and logits are checked before they are scored (see also cli.InputValidationTest). */
class EvaluatorValidationTest {
  private static Dataset labelled(long... labels) {
    return new Dataset() {
      public int size() {
        return labels.length;
      }

      public int[] sampleShape() {
        return new int[] {1};
      }

      public float[] sample(int index) {
        return new float[1];
      }

      public boolean hasLabels() {
        return true;
      }

      public long label(int index) {
        return labels[index];
      }

      public String describe() {
        return "test";
      }
    };
  }

  @Test
  void labelsMustNameAClass() {
    assertDoesNotThrow(() -> Evaluator.checkLabels(labelled(0, 9, 3), 10, "m.onnx"));
    OnnxqException e =
        assertThrows(
            OnnxqException.class, () -> Evaluator.checkLabels(labelled(0, 10, 11), 10, "m.onnx"));
    assertTrue(
        e.getMessage().contains("label 10 of sample 1 is outside the 10 classes of m.onnx"),
        e.getMessage());
    e = assertThrows(OnnxqException.class, () -> Evaluator.checkLabels(labelled(-1), 10, "m.onnx"));
    assertTrue(e.getMessage().contains("label -1 of sample 0"), e.getMessage());
  }

  @Test
  void nonFiniteLogitsNameModelAndSample() {
    Batches.Batch b = new Batches.Batch(8, 2, new float[2], new long[] {2, 1}, null);
    float[] logits = {1, 2, 3, 4, Float.NaN, 6};
    OnnxqException e =
        assertThrows(OnnxqException.class, () -> Evaluator.checkFinite(logits, b, "q.onnx"));
    assertTrue(
        e.getMessage().contains("q.onnx produced a non-finite logit (NaN) for sample 9"),
        e.getMessage());
  }
}
