package io.onnxq.verify;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.Tensors;
import io.onnxq.ops.AdaLogDequantizeOp;
import io.onnxq.ops.AdaLogQuantizeOp;
import io.onnxq.ops.CustomOps;
import io.onnxq.ops.LogIntAttnMatMulOp;
import io.onnxq.ops.LogIntSoftmaxOp;
import io.onnxq.ops.PtsLayerNormOp;
import io.onnxq.ort.OrtModel.Output;
import io.onnxq.runtime.AdaLogDequantizeKernel;
import io.onnxq.runtime.AdaLogQuantizeKernel;
import io.onnxq.runtime.LogIntAttnMatMul;
import io.onnxq.runtime.LogIntSoftmax;
import io.onnxq.runtime.PtsLayerNorm;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The registry from custom op type to its reference-kernel check. */
final class KernelChecks {
  private static final int U8 = 2;
  private static final int U16 = 4;
  private static final int I64 = 7;
  private static final int I32 = 6;
  private static final int F32 = 1;

  private static final Map<String, KernelCheck> ALL = Map.of(
      LogIntSoftmaxOp.NAME, new LogIntSoftmaxCheck(),
      LogIntAttnMatMulOp.NAME, new LogIntAttnMatMulCheck(),
      PtsLayerNormOp.NAME, new PtsLayerNormCheck(),
      AdaLogQuantizeOp.NAME, new AdaLogQuantizeCheck(AdaLogQuantizeOp.NAME, U8),
      AdaLogQuantizeOp.NAME16, new AdaLogQuantizeCheck(AdaLogQuantizeOp.NAME16, U16),
      AdaLogDequantizeOp.NAME, new AdaLogDequantizeCheck());

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

  private static float[] floats(Graph g, String name) {
    return Tensors.toFloats(g.constant(name).orElseThrow());
  }

  /** Codes are compared unwrapped: a uint8 op asked for 8-bit AdaLog (code 256 -> 0) shows up as a mismatch. */
  private static final class AdaLogQuantizeCheck implements KernelCheck {
    private final String op;
    private final int carrier;

    AdaLogQuantizeCheck(String op, int carrier) {
      this.op = op;
      this.carrier = carrier;
    }

    public String opType() { return op; }
    public List<Integer> inputTypes() { return List.of(F32, F32, F32, F32); }
    public List<Integer> outputTypes() { return List.of(carrier); }

    public Comparison check(Node call, Graph g, Function<String, Output> t) {
      int[] k = AdaLogQuantizeKernel.apply(t.apply(call.input(0)).floats(), floats(g, call.input(1))[0],
          floats(g, call.input(2))[0], floats(g, call.input(3)));
      return Comparison.of(KernelCheck.widen(k), t.apply(call.output(0)).ints());
    }
  }

  private static final class AdaLogDequantizeCheck implements KernelCheck {
    public String opType() { return AdaLogDequantizeOp.NAME; }
    public List<Integer> inputTypes() { return List.of(U8, F32); }
    public List<Integer> outputTypes() { return List.of(F32); }

    /** K is uint16 when AdaLogQuantize16 produced it; the function itself accepts either carrier. */
    public int inputType(Node call, Graph g, int i) {
      Node p = i == 0 ? g.producer(call.input(0)) : null;
      boolean wide = p != null && p.domain().equals(CustomOps.DOMAIN) && p.opType().equals(AdaLogQuantizeOp.NAME16);
      return wide ? U16 : inputTypes().get(i);
    }

    public Comparison check(Node call, Graph g, Function<String, Output> t) {
      String kName = call.input(0);
      int[] k = g.constant(kName).map(c -> KernelCheck.ints(Tensors.toLongs(c))).orElseGet(
          () -> KernelCheck.ints(t.apply(kName).ints()));
      float[] y = AdaLogDequantizeKernel.apply(k, floats(g, call.input(1)));
      return Comparison.of(y, t.apply(call.output(0)).floats());
    }
  }
}
