package io.onnxq.ops;

import io.onnxq.proto.Onnx;
import java.util.List;
import java.util.Optional;

/**
 * The registry of {@code com.onnxq} custom ops, one typed entry per op, and the opsets a model
 * using them must import. Rewrite rules take the typed entries; verify looks calls up by name.
 */
public final class CustomOps {

  public static final String DOMAIN = "com.onnxq";
  public static final int DOMAIN_VERSION = 1;

  /** ai.onnx opset used inside the bodies; the calling model must import the same version. */
  public static final int ONNX_OPSET = 21;

  /** IR version that supports model-local functions with the opset above. */
  public static final int IR_VERSION = 10;

  public static final LogIntSoftmaxOp LOG_INT_SOFTMAX = new LogIntSoftmaxOp();
  public static final LogIntAttnMatMulOp LOG_INT_ATTN_MATMUL = new LogIntAttnMatMulOp();
  public static final PtsLayerNormOp PTS_LAYER_NORM = new PtsLayerNormOp();
  public static final AdaLogDequantizeOp ADALOG_DEQUANTIZE = new AdaLogDequantizeOp();
  public static final IntGeluOp INT_GELU = new IntGeluOp();
  public static final GeluTableOp GELU_TABLE = new GeluTableOp();

  private static final List<CustomOp> ALL =
      List.of(
          LOG_INT_SOFTMAX,
          LOG_INT_ATTN_MATMUL,
          PTS_LAYER_NORM,
          AdaLogQuantizeOp.U8,
          AdaLogQuantizeOp.U16,
          ADALOG_DEQUANTIZE,
          INT_GELU,
          GELU_TABLE);

  private CustomOps() {}

  public static List<CustomOp> all() {
    return ALL;
  }

  /** The op of a type in the onnxq domain, if there is one. */
  public static Optional<CustomOp> find(String name) {
    return ALL.stream().filter(op -> op.name().equals(name)).findFirst();
  }

  public static CustomOp byName(String name) {
    return find(name)
        .orElseThrow(
            () -> new IllegalArgumentException("unknown custom op " + DOMAIN + "::" + name));
  }

  /** Opset imports a model calling these ops needs ({@code ai.onnx 21}, {@code com.onnxq 1}). */
  public static List<Onnx.OperatorSetIdProto> modelOpsetImports() {
    return List.of(opset("", ONNX_OPSET), opset(DOMAIN, DOMAIN_VERSION));
  }

  static Onnx.OperatorSetIdProto opset(String domain, int version) {
    return Onnx.OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build();
  }
}
