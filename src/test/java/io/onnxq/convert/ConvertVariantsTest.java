package io.onnxq.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.Progress;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.data.Dataset;
import io.onnxq.eval.EvalResult;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.OnnxModel;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.W8A8;
import io.onnxq.recipe.WeightRange;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every export variant converts, keeps its outputs close to FP32 and runs in optimized ORT. */
class ConvertVariantsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "DECOMPOSED, ERF, MUL_Q, minmax",
    "DECOMPOSED, ERF, DIV_AFTER, ema",
    "FUSED, TANH, SPLIT_QK, percentile",
    "FUSED, OP, MUL_Q, omse"
  })
  void convertsAndStaysClose(
      TinyVit.Norm norm, TinyVit.Gelu gelu, TinyVit.Scale scale, String method) {
    ModelProto fp32 = TinyVit.build(norm, gelu, scale, 2);
    Dataset data = TestData.random(dir, 32, 3, 8, 8);
    Recipe o = new W8A8(ObserverKind.parse(method), WeightRange.REDUCED);
    Converter.Result r =
        new Converter(o, Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), data, "tiny");
    ModelProto q = r.model();

    // Weights of all 2*4 block linears + patch embed + head are int8 behind per-axis
    // DequantizeLinear.
    long int8Weights =
        q.getGraph().getInitializerList().stream()
            .filter(
                t -> t.getDataType() == TensorProto.DataType.INT8_VALUE && t.getDimsCount() >= 2)
            .count();
    assertEquals(10, int8Weights);
    long quantizeNodes =
        q.getGraph().getNodeList().stream()
            .map(NodeProto::getOpType)
            .filter("QuantizeLinear"::equals)
            .count();
    assertEquals(10 + 2 * 4, quantizeNodes, "one Q per linear input and per attention operand");
    assertTrue(q.getIrVersion() >= 8);

    EvalResult e = new Evaluator(8, Progress.SILENT).evaluate(q, fp32, data);
    assertTrue(e.meanCosine() > 0.98, "logit cosine " + e.meanCosine());
    assertTrue(r.report().layers().size() == 12, "per-layer error for 10 linears + 2 attentions");
  }
}
