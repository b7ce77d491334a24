package io.onnxq.cli;

public final class Main {
  public static void main(String[] args) {
    System.out.println(io.onnxq.proto.Onnx.ModelProto.getDescriptor().getFullName());
  }
}
