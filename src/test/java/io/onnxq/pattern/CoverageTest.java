package io.onnxq.pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.calib.Progress;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.convert.Converter;
import io.onnxq.model.OnnxModel;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.Settings;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block the finder cannot complete is reported with the reason, and methods that need it refuse.
 */
class CoverageTest {
  @TempDir Path tmp;

  /** TinyVit whose first GELU's Erf is replaced by Sin: no GELU form matches any more. */
  private static ModelProto brokenGelu() {
    ModelProto m = TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2);
    ModelProto.Builder b = m.toBuilder();
    for (int i = 0; i < b.getGraph().getNodeCount(); i++) {
      if (b.getGraph().getNode(i).getOpType().equals("Erf")) {
        b.getGraphBuilder().setNode(i, b.getGraph().getNode(i).toBuilder().setOpType("Sin"));
        break;
      }
    }
    return b.build();
  }

  @Test
  void completeModelHasNoGaps() {
    VitStructure s =
        VitPatternFinder.find(
            new OnnxModel(
                    TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2))
                .graph());
    assertTrue(s.coverage().isEmpty(), s.coverage().toString());
  }

  @Test
  void incompleteBlockIsListedWithItsReason() {
    VitStructure s = VitPatternFinder.find(new OnnxModel(brokenGelu()).graph());
    TransformerBlock b0 = s.blocks().get(0);
    assertEquals("no GELU after the first MLP linear", b0.missing());
    assertTrue(s.blocks().get(1).complete());
    assertTrue(
        s.coverage().stream()
            .anyMatch(g -> g.reason().equals("in block 0, no GELU after the first MLP linear")),
        s.coverage().toString());
    String line = StructureSummary.of(new OnnxModel(brokenGelu()), s).coverageLine();
    assertTrue(line.startsWith("coverage: 1/2 blocks complete"), line);
  }

  @Test
  void fullyQuantizedMethodsRefuseAnIncompleteBlock() {
    OnnxqException e =
        assertThrows(
            OnnxqException.class,
            () ->
                new Converter(
                        FqVit.of(ObserverKind.MINMAX, true, true),
                        Settings.DEFAULTS,
                        Progress.SILENT)
                    .convert(
                        new OnnxModel(brokenGelu()), TestData.random(tmp, 2, 3, 8, 8), "broken"));
    assertEquals(
        "--pts/--lis needs complete transformer blocks, but block 0 has no GELU after the first MLP linear"
            + " (run 'onnxq inspect' for the coverage)",
        e.getMessage());
  }
}
