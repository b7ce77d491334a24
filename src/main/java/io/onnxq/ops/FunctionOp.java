package io.onnxq.ops;

import io.onnxq.proto.Onnx;
import java.util.List;

/** A custom op defined by a function body: subclasses only write the body. */
abstract class FunctionOp implements CustomOp {
    private final String name;
    private final List<String> inputs;
    private final List<String> outputs;
    private final String doc;

    FunctionOp(String name, List<String> inputs, List<String> outputs, String doc) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.doc = doc;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<String> inputs() {
        return inputs;
    }

    @Override
    public final List<String> outputs() {
        return outputs;
    }

    @Override
    public final Onnx.FunctionProto function() {
        FunctionBuilder f = new FunctionBuilder(name, inputs, outputs, doc);
        body(f);
        return f.build();
    }

    /** Adds the body's nodes; formal inputs and outputs are referenced by their names. */
    protected abstract void body(FunctionBuilder f);
}
