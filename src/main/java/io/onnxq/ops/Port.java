package io.onnxq.ops;

import io.onnxq.proto.Onnx.TensorProto.DataType;

/** A formal input or output of a custom op: its name in the function body and its element type. */
public record Port(String name, DataType type) {
  public static Port u8(String name) {
    return new Port(name, DataType.UINT8);
  }

  public static Port f32(String name) {
    return new Port(name, DataType.FLOAT);
  }

  public static Port i32(String name) {
    return new Port(name, DataType.INT32);
  }

  public static Port i64(String name) {
    return new Port(name, DataType.INT64);
  }
}
