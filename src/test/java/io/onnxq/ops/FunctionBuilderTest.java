package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.onnxq.proto.Onnx;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The integer helpers exist because ORT 1.29's int64 Max/Min mis-compare values that differ only
 * around bit 31 (max(2^31, 0) == 0) and int64 ReduceSum is inexact past 2^53. This pins that the
 * helpers are exact on exactly those values.
 */
class FunctionBuilderTest {

  private static final CustomOp PROBE =
      new CustomOp() {
        @Override
        public String name() {
          return "HelperProbe";
        }

        @Override
        public List<Port> inputs() {
          return List.of(Port.i64("A"), Port.i64("B"), Port.i64("S"));
        }

        @Override
        public List<Port> outputs() {
          return List.of(Port.i64("MAX"), Port.i64("MIN"), Port.i64("SUM"));
        }

        @Override
        public Comparison check(CallValues values) {
          throw new UnsupportedOperationException("a probe of the body helpers, not a kernel");
        }

        @Override
        public Onnx.FunctionProto function() {
          FunctionBuilder f =
              new FunctionBuilder(
                  name(), CustomOp.names(inputs()), CustomOp.names(outputs()), "helper probe");
          f.opTo("MAX", "Identity", List.of(), f.imax("A", "B"));
          f.opTo("MIN", "Identity", List.of(), f.imin("A", "B"));
          f.opTo("SUM", "Identity", List.of(), f.sumLast("S"));
          return f.build();
        }
      };

  @Test
  void integerHelpersAreExact() throws Exception {
    long[] tricky = {
      0,
      1,
      -1,
      0x7FFFFFFFL,
      0x80000000L,
      0xF0C00000L,
      0xFFFFFFFFL,
      0x100000000L,
      -0x80000000L,
      -0x80000001L,
      -0xF0C00000L,
      1L << 53,
      (1L << 53) + 1,
      Long.MAX_VALUE / 300
    };
    Random rnd = new Random(41);
    int rows = 4;
    int n = 257;
    long[] a = new long[rows * n];
    long[] b = new long[rows * n];
    long[] terms = new long[rows * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = tricky[rnd.nextInt(tricky.length)];
      b[i] = tricky[rnd.nextInt(tricky.length)];
      terms[i] = (rnd.nextLong() >>> 16) | 1; // odd terms < 2^48: row sums pass 2^53, stay in int64
    }
    long[] shape = {rows, n};
    Map<String, DataType> outs = new LinkedHashMap<>();
    outs.put("MAX", DataType.INT64);
    outs.put("MIN", DataType.INT64);
    outs.put("SUM", DataType.INT64);
    List<OrtHarness.Value> ins =
        List.of(
            OrtHarness.i64("A", shape, a, false),
            OrtHarness.i64("B", shape, b, false),
            OrtHarness.i64("S", shape, terms, false));
    long[] max = new long[a.length];
    long[] min = new long[a.length];
    long[] sum = new long[rows];
    for (int i = 0; i < a.length; i++) {
      max[i] = Math.max(a[i], b[i]);
      min[i] = Math.min(a[i], b[i]);
      sum[i / n] += terms[i];
    }
    for (Map<String, byte[]> out : OrtHarness.runAllLevels(PROBE, ins, outs)) {
      assertArrayEquals(max, OrtHarness.asLongs(out.get("MAX")));
      assertArrayEquals(min, OrtHarness.asLongs(out.get("MIN")));
      assertArrayEquals(sum, OrtHarness.asLongs(out.get("SUM")));
    }
  }
}
