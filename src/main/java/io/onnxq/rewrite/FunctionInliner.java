package io.onnxq.rewrite;

import io.onnxq.OnnxqException;
import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.OnnxModel;
import io.onnxq.proto.Onnx.FunctionProto;
import io.onnxq.proto.Onnx.NodeProto;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --emit inline}: replaces every call of a model-local function by a copy of its body, for
 * runtimes without local-function support. Body-internal names get a per-call prefix.
 */
public final class FunctionInliner {
  private FunctionInliner() {}

  /** Inlines calls of functions in {@code domain}; returns how many calls were expanded. */
  public static int inline(OnnxModel model, String domain) {
    Graph g = model.graph();
    int calls = 0;
    for (Node call : g.nodes()) {
      if (!call.domain().equals(domain)) continue;
      FunctionProto f =
          model
              .function(domain, call.opType())
              .orElseThrow(
                  () ->
                      new OnnxqException("no function body for " + domain + "::" + call.opType()));
      Map<String, String> names = new HashMap<>();
      for (int i = 0; i < f.getInputCount(); i++) names.put(f.getInput(i), call.input(i));
      for (int i = 0; i < f.getOutputCount(); i++) names.put(f.getOutput(i), call.output(i));
      String prefix = g.uniqueName(call.name()) + "/";
      for (int j = 0; j < f.getNodeCount(); j++) {
        NodeProto body = f.getNode(j);
        String name =
            prefix + (body.getName().isEmpty() ? body.getOpType() + "_" + j : body.getName());
        NodeProto.Builder b = body.toBuilder().setName(name).clearInput().clearOutput();
        for (String in : body.getInputList())
          b.addInput(in.isEmpty() ? "" : names.computeIfAbsent(in, k -> prefix + k));
        for (String out : body.getOutputList())
          b.addOutput(names.computeIfAbsent(out, k -> prefix + k));
        g.add(b.build());
      }
      g.remove(call);
      calls++;
    }
    model.removeFunctions(domain);
    return calls;
  }
}
