package io.onnxq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Op-type shares from a small hand-written ONNX Runtime trace. */
class OrtProfileTest {
  static String node(String name, String op, int dur) {
    return "{\"cat\":\"Node\",\"name\":\""
        + name
        + "\",\"dur\":"
        + dur
        + ",\"ph\":\"X\",\"args\":{\"op_name\":\""
        + op
        + "\",\"provider\":\"CPUExecutionProvider\"}}";
  }

  /** Three runs of a graph with two MatMuls, a Softmax and an Add. */
  static final String TRACE =
      "[\n"
          + "{\"cat\":\"Session\",\"name\":\"session_initialization\",\"dur\":90000,\"args\":{}},\n"
          + String.join(
              ",\n",
              List.of(
                  "{\"cat\":\"Session\",\"name\":\"model_run\",\"dur\":200,\"args\":{}}",
                  node("mm1_kernel_time", "MatMul", 40),
                  node("mm1_fence_before", "MatMul", 500),
                  node("mm2_kernel_time", "MatMul", 20),
                  node("sm_kernel_time", "Softmax", 30),
                  node("add_kernel_time", "Add", 10),
                  node("mm1_kernel_time", "MatMul", 40),
                  node("mm2_kernel_time", "MatMul", 20),
                  // a kernel stalled by the scheduler in one run
                  node("sm_kernel_time", "Softmax", 9000),
                  node("add_kernel_time", "Add", 10),
                  node("mm1_kernel_time", "MatMul", 40),
                  node("mm2_kernel_time", "MatMul", 20),
                  node("sm_kernel_time", "Softmax", 30),
                  node("add_kernel_time", "Add", 10)))
          + "\n]\n";

  @Test
  void opTypesByMedianKernelTime() {
    List<OrtProfile.OpTime> ops = OrtProfile.topOps(TRACE, 10);
    assertEquals(List.of("MatMul", "Softmax", "Add"), ops.stream().map(o -> o.op()).toList());
    // per run: MatMul 40 + 20 us, Softmax 30 (the stall is not typical), Add 10: 100 us
    assertEquals(0.060, ops.get(0).ms(), 1e-12);
    assertEquals(60, ops.get(0).percent(), 1e-9);
    assertEquals(30, ops.get(1).percent(), 1e-9);
    assertEquals(10, ops.get(2).percent(), 1e-9);
  }

  @Test
  void topCutsTheListButNotTheTotal() {
    List<OrtProfile.OpTime> ops = OrtProfile.topOps(TRACE, 1);
    assertEquals(1, ops.size());
    assertEquals(60, ops.get(0).percent(), 1e-9);
  }

  @Test
  void aTraceWithoutNodesHasNoOps() {
    assertTrue(OrtProfile.topOps("[{\"cat\":\"Session\",\"name\":\"model_run\"}]", 10).isEmpty());
  }

  @Test
  void aBrokenTraceIsOneLine() {
    OnnxqException e =
        assertThrows(OnnxqException.class, () -> OrtProfile.topOps("[{\"cat\":", 10));
    assertTrue(e.getMessage().startsWith("ONNX Runtime's profile is not JSON"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    assertThrows(OnnxqException.class, () -> OrtProfile.topOps("{\"a\":1}", 10));
  }
}
