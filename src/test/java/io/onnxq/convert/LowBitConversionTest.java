package io.onnxq.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.Progress;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.data.Dataset;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.OnnxModel;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.recipe.AdaLog;
import io.onnxq.recipe.LowBit;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Refinements;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.WeightRange;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import io.onnxq.verify.Verifier;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * W/A at 3, 4, 6 bits: uniform baseline, log2 softmax, AdaLog; all run in ORT and verify exactly.
 */
class LowBitConversionTest {
  @TempDir Path dir;

  private static long count(ModelProto m, String op) {
    return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).filter(op::equals).count();
  }

  @ParameterizedTest
  @CsvSource({"4, UNIFORM", "3, LOG2", "4, ADALOG", "6, ADALOG", "3, ADALOG"})
  void convertsRunsAndVerifies(int bits, String probs) {
    ModelProto fp32 =
        TinyVit.build(TinyVit.Norm.DECOMPOSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2);
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    Recipe o =
        probs.equals("ADALOG")
            ? AdaLog.of(bits, bits)
            : new LowBit(
                ObserverKind.MINMAX, WeightRange.REDUCED, bits, bits, probs.equals("LOG2"));
    ModelProto q =
        new Converter(o, Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), data, "tiny")
            .model();

    assertEquals(21, q.getOpsetImport(0).getVersion());
    long packed =
        q.getGraph().getInitializerList().stream()
            .filter(
                t -> t.getDataType() == TensorProto.DataType.UINT4_VALUE && t.getDimsCount() >= 2)
            .count();
    assertEquals(bits <= 4 ? 10 : 0, packed, "weights of at most 4 bits are stored as UINT4");
    int logQuantized = probs.equals("UNIFORM") ? 0 : probs.equals("LOG2") ? 2 : 4;
    assertEquals(
        logQuantized, count(q, "AdaLogQuantize"), "probabilities (and fc2 inputs with AdaLog)");
    assertEquals(logQuantized, count(q, "AdaLogDequantize"));

    if (logQuantized > 0) {
      for (Verifier.OpResult r : new Verifier(8, Progress.SILENT).verify(q, data)) {
        assertTrue(r.elements() > 0);
        assertEquals(0, r.mismatches(), r.toString());
      }
    }
    double cos = new Evaluator(8, Progress.SILENT).evaluate(q, fp32, data).meanCosine();
    assertTrue(cos > (bits == 3 ? 0.3 : 0.6), "logit cosine " + cos);
  }

  @Test
  void refinedAdaLogStaysDeployableAndExact() {
    ModelProto fp32 =
        TinyVit.build(TinyVit.Norm.DECOMPOSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2);
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    AdaLog plain = AdaLog.of(4, 4);
    AdaLog refined = plain.withRefinements(new Refinements(true, true, true));
    ModelProto q =
        new Converter(refined, Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), data, "tiny")
            .model();
    for (Verifier.OpResult r : new Verifier(8, Progress.SILENT).verify(q, data)) {
      assertEquals(0, r.mismatches(), r.toString());
    }
    ModelProto p =
        new Converter(plain, Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), data, "tiny")
            .model();
    Evaluator ev = new Evaluator(8, Progress.SILENT);
    double cosRefined = ev.evaluate(q, fp32, data).meanCosine();
    double cosPlain = ev.evaluate(p, fp32, data).meanCosine();
    assertTrue(cosRefined > 0.6, "logit cosine " + cosRefined);
    assertTrue(
        !java.util.Arrays.equals(q.getGraph().toByteArray(), p.getGraph().toByteArray()),
        "refinements changed nothing");
    System.out.printf("tiny W4A4 logit cosine: AdaLog %.4f, refined %.4f%n", cosPlain, cosRefined);
  }
}
