package io.onnxq.verify;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.Tensors;
import io.onnxq.ops.LogIntAttnMatMulOp;
import io.onnxq.ops.LogIntSoftmaxOp;
import io.onnxq.ops.PtsLayerNormOp;
import io.onnxq.ort.OrtModel.Output;
import io.onnxq.runtime.LogIntAttnMatMul;
import io.onnxq.runtime.LogIntSoftmax;
import io.onnxq.runtime.PtsLayerNorm;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The registry from custom op type to its reference-kernel check. */
final class KernelChecks {
  private static final int U8 = 2;
  private static final int I64 = 7;
  private static final int I32 = 6;
  private static final int F32 = 1;

  private static final Map<String, KernelCheck> ALL = Map.of(
      LogIntSoftmaxOp.NAME, new LogIntSoftmaxCheck(),
      LogIntAttnMatMulOp.NAME, new LogIntAttnMatMulCheck(),
      PtsLayerNormOp.NAME, new PtsLayerNormCheck());

  private KernelChecks() {}

  static KernelCheck forOp(String opType) {
    return ALL.get(opType);
  }

  private static long scalar(Graph g, String name) {
    return Tensors.toLongs(g.constant(name).orElseThrow())[0];
  }

  private static final class LogIntSoftmaxCheck implements KernelCheck {
    public String opType() { return LogIntSoftmaxOp.NAME; }
    public List<Integer> inputTypes() { return List.of(U8, U8, I64, I64, I64); }
    public List<Integer> outputTypes() { return List.of(U8); }

    public Comparison check(Node call, Graph g, Function<String, Output> t) {
      Output x = t.apply(call.input(0));
      int n = KernelCheck.lastDim(x);
      LogIntSoftmax.Constants c = new LogIntSoftmax.Constants(scalar(g, call.input(2)), scalar(g, call.input(3)),
          scalar(g, call.input(4)));
      byte[] y = LogIntSoftmax.apply(KernelCheck.bytes(x), x.count() / n, n, (int) scalar(g, call.input(1)), c);
      return Comparison.of(KernelCheck.widen(y), t.apply(call.output(0)).ints());
    }
  }

  private static final class LogIntAttnMatMulCheck implements KernelCheck {
    public String opType() { return LogIntAttnMatMulOp.NAME; }
    public List<Integer> inputTypes() { return List.of(U8, U8, U8); }
    public List<Integer> outputTypes() { return List.of(I32); }

    public Comparison check(Node call, Graph g, Function<String, Output> t) {
      Output k = t.apply(call.input(0));
      Output v = t.apply(call.input(1));
      long[] ks = k.shape();
      int m = (int) ks[ks.length - 2];
      int n = (int) ks[ks.length - 1];
      int d = KernelCheck.lastDim(v);
      int batch = k.count() / (m * n);
      int[] acc = LogIntAttnMatMul.apply(KernelCheck.bytes(k), KernelCheck.bytes(v), batch, m, n, d,
          (int) scalar(g, call.input(2)));
      return Comparison.of(KernelCheck.widen(acc), t.apply(call.output(0)).ints());
    }
  }

  private static final class PtsLayerNormCheck implements KernelCheck {
    public String opType() { return PtsLayerNormOp.NAME; }
    public List<Integer> inputTypes() { return List.of(U8, U8, U8, F32, F32, U8); }
    public List<Integer> outputTypes() { return List.of(U8); }

    public Comparison check(Node call, Graph g, Function<String, Output> t) {
      Output x = t.apply(call.input(0));
      int c = KernelCheck.lastDim(x);
      long[] alpha = Tensors.toLongs(g.constant(call.input(2)).orElseThrow());
      byte[] a = new byte[alpha.length];
      for (int i = 0; i < a.length; i++) a[i] = (byte) alpha[i];
      PtsLayerNorm.Constants k = new PtsLayerNorm.Constants(Tensors.toFloats(g.constant(call.input(3)).orElseThrow()),
          Tensors.toFloats(g.constant(call.input(4)).orElseThrow()));
      byte[] y = PtsLayerNorm.apply(KernelCheck.bytes(x), x.count() / c, c, (int) scalar(g, call.input(1)), a, k,
          (int) scalar(g, call.input(5)));
      return Comparison.of(KernelCheck.widen(y), t.apply(call.output(0)).ints());
    }
  }
}
