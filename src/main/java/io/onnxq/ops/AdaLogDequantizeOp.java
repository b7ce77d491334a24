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
public final class AdaLogDequantizeOp implements CustomOp {

    public static final String NAME = "AdaLogDequantize";
    private static final List<String> INPUTS = List.of("K", "table");
    private static final List<String> OUTPUTS = List.of("Y");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> inputs() {
        return INPUTS;
    }

    @Override
    public List<String> outputs() {
        return OUTPUTS;
    }

    @Override
    public Onnx.FunctionProto function() {
        FunctionBuilder f = new FunctionBuilder(NAME, INPUTS, OUTPUTS,
                "AdaLog dequantization by lookup: Y = table[K], table from AdaLogQuantizer.table() or tableUnshifted().");
        f.opTo("Y", "Gather", List.of(attrInt("axis", 0)), "table", f.cast("K", DataType.INT64));
        return f.build();
    }
}
