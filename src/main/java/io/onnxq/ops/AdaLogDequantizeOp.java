package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrInt;

import io.onnxq.proto.Onnx;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.AdaLogDequantizeKernel;
import java.util.List;

/**
 * {@code com.onnxq::AdaLogDequantize(K u8|u16 [...], table f32 [L+1]) -> Y f32 [...]}: {@code Y = table[K]}.
 * Body mirrors {@link AdaLogDequantizeKernel#apply}. One function serves both carriers: the body
 * casts K to int64 first, and function bodies are not typed.
 */
public final class AdaLogDequantizeOp extends FunctionOp {

    public static final String NAME = "AdaLogDequantize";
    private static final List<String> INPUTS = List.of("K", "table");
    private static final List<String> OUTPUTS = List.of("Y");

    public AdaLogDequantizeOp() {
        super(NAME, INPUTS, OUTPUTS,
                "AdaLog dequantization by lookup: Y = table[K], table from AdaLogQuantizer.table() or tableUnshifted().");
    }

    @Override
    protected void body(FunctionBuilder f) {
        f.opTo("Y", "Gather", List.of(attrInt("axis", 0)), "table", f.cast("K", DataType.INT64));
    }
}
