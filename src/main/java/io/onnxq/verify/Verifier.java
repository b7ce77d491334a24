package io.onnxq.verify;

import io.onnxq.OnnxqException;
import io.onnxq.calib.Progress;
import io.onnxq.calib.TapInserter;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.OnnxModel;
import io.onnxq.ops.CallValues;
import io.onnxq.ops.Comparison;
import io.onnxq.ops.CustomOp;
import io.onnxq.ops.CustomOps;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proves the custom ops compute what they claim: runs the quantized model in ORT with every custom
 * op's inputs and outputs tapped, recomputes each op with its Java reference kernel, and counts the
 * elements that differ. Integer outputs must match exactly.
 */
public final class Verifier {
  /** Per custom-op type: calls checked, elements compared, mismatches, largest difference. */
  public record OpResult(String op, int calls, long elements, long mismatches, double maxAbsDiff) {}

  private final int batchSize;
  private final Progress progress;

  public Verifier(int batchSize, Progress progress) {
    this.batchSize = batchSize;
    this.progress = progress;
  }

  public List<OpResult> verify(ModelProto quant, Dataset data) {
    OnnxModel model = new OnnxModel(quant);
    Graph g = model.graph();
    List<Node> calls = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!n.domain().equals(CustomOps.DOMAIN)) continue;
      if (CustomOps.find(n.opType()).isEmpty()) {
        throw new OnnxqException(
            "no reference kernel for custom op " + n.domain() + "::" + n.opType());
      }
      calls.add(n);
    }
    if (calls.isEmpty()) {
      throw new OnnxqException(
          "the model has no "
              + CustomOps.DOMAIN
              + " custom ops to verify "
              + "(converted without --pts/--lis/--adalog, or written with --emit inline)");
    }
    Map<String, Integer> taps = new LinkedHashMap<>();
    for (Node n : calls) {
      CustomOp op = CustomOps.byName(n.opType());
      for (int i = 0; i < n.inputCount(); i++) {
        if (g.constant(n.input(i)).isEmpty())
          taps.put(n.input(i), op.inputType(n, g, i).getNumber());
      }
      for (int i = 0; i < n.outputs().size(); i++)
        taps.put(n.output(i), op.outputs().get(i).type().getNumber());
    }
    ModelProto tapped = TapInserter.withOutputs(quant, taps);
    Map<String, Comparison> byOp = new LinkedHashMap<>();
    Map<String, Integer> callCount = new LinkedHashMap<>();
    for (Node n : calls) callCount.merge(n.opType(), 1, Integer::sum);
    try (OrtModel ort = new OrtModel(tapped)) {
      ort.checkSampleShape(data.sampleShape(), "verification");
      List<String> names = new ArrayList<>(taps.keySet());
      int done = 0;
      for (Batches.Batch b : new Batches(data, batchSize)) {
        Map<String, OrtModel.Output> out = ort.run(b.data(), data.sampleShape(), b.count(), names);
        for (Node n : calls) {
          Comparison c = CustomOps.byName(n.opType()).check(new CallValues(n, g, out::get));
          byOp.merge(n.opType(), c, Comparison::plus);
        }
        done += b.count();
        progress.step("verifying", done, data.size());
      }
    }
    List<OpResult> results = new ArrayList<>();
    for (Map.Entry<String, Comparison> e : byOp.entrySet()) {
      Comparison c = e.getValue();
      results.add(
          new OpResult(
              e.getKey(), callCount.get(e.getKey()), c.elements(), c.mismatches(), c.maxAbsDiff()));
    }
    return results;
  }
}
