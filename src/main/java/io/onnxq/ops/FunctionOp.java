package io.onnxq.ops;

import io.onnxq.proto.Onnx;
import java.util.List;

/** A custom op defined by a function body: subclasses write the body and the kernel check. */
abstract class FunctionOp implements CustomOp {
  private final String name;
  private final List<Port> inputs;
  private final List<Port> outputs;
  private final String doc;

  FunctionOp(String name, List<Port> inputs, List<Port> outputs, String doc) {
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
  public final List<Port> inputs() {
    return inputs;
  }

  @Override
  public final List<Port> outputs() {
    return outputs;
  }

  @Override
  public final Onnx.FunctionProto function() {
    FunctionBuilder f =
        new FunctionBuilder(name, CustomOp.names(inputs), CustomOp.names(outputs), doc);
    body(f);
    return f.build();
  }

  /** Adds the body's nodes; formal inputs and outputs are referenced by their names. */
  protected abstract void body(FunctionBuilder f);
}
