package io.onnxq.ops;

import io.onnxq.proto.Onnx;
import java.util.List;

/** Registry of the {@code com.onnxq} custom ops and the opsets a model using them must import. */
public final class CustomOps {

    public static final String DOMAIN = "com.onnxq";
    public static final int DOMAIN_VERSION = 1;
    /** ai.onnx opset used inside the bodies; the calling model must import the same version. */
    public static final int ONNX_OPSET = 21;
    /** IR version that supports model-local functions with the opset above. */
    public static final int IR_VERSION = 10;

    private static final List<CustomOp> ALL =
            List.of(new LogIntSoftmaxOp(), new LogIntAttnMatMulOp(), new PtsLayerNormOp(),
                    AdaLogQuantizeOp.U8, AdaLogQuantizeOp.U16, new AdaLogDequantizeOp());

    private CustomOps() {}

    public static List<CustomOp> all() {
        return ALL;
    }

    public static CustomOp byName(String name) {
        for (CustomOp op : ALL) {
            if (op.name().equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown custom op " + DOMAIN + "::" + name);
    }

    /** Opset imports a model calling these ops needs ({@code ai.onnx 21}, {@code com.onnxq 1}). */
    public static List<Onnx.OperatorSetIdProto> modelOpsetImports() {
        return List.of(opset("", ONNX_OPSET), opset(DOMAIN, DOMAIN_VERSION));
    }

    static Onnx.OperatorSetIdProto opset(String domain, int version) {
        return Onnx.OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build();
    }
}
