package io.onnxq.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnknownFieldSet;
import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.StringStringEntryProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.testutil.ModelBuilder;
import io.onnxq.testutil.TinyVit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelIOTest {
  @TempDir Path dir;

  private static ModelProto tiny() {
    return TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 1);
  }

  @Test
  void roundTripKeepsUntouchedFieldsIncludingUnknownOnes() throws Exception {
    // Field 99 is not in our schema: it must survive read -> IR -> write unchanged.
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(
                99,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("future"))
                    .build())
            .build();
    ModelProto in =
        tiny().toBuilder()
            .setDocString("doc")
            .setModelVersion(3)
            .addMetadataProps(StringStringEntryProto.newBuilder().setKey("author").setValue("me"))
            .setGraph(tiny().getGraph().toBuilder().setUnknownFields(unknown))
            .setUnknownFields(unknown)
            .build();
    Path f = dir.resolve("m.onnx");
    Files.write(f, in.toByteArray());
    OnnxModel m = ModelIO.read(f);
    Path g = dir.resolve("out.onnx");
    ModelIO.write(m.toProto(), g);
    ModelProto out = ModelIO.readProto(g);
    assertEquals("doc", out.getDocString());
    assertEquals(3, out.getModelVersion());
    assertEquals("author", out.getMetadataProps(0).getKey());
    assertTrue(out.getUnknownFields().hasField(99));
    assertTrue(out.getGraph().getUnknownFields().hasField(99));
    assertEquals(in.getGraph().getNodeCount(), out.getGraph().getNodeCount());
    assertEquals(in.getOpsetImportList(), out.getOpsetImportList());
    assertTrue(out.getIrVersion() >= OnnxModel.MIN_IR_VERSION);
  }

  @Test
  void externalDataIsLoaded() throws Exception {
    float[] w = {1, 2, 3, 4};
    ByteBuffer b = ByteBuffer.allocate(16 + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0); // 8 bytes of padding: the tensor starts at offset 8
    for (float v : w) b.putFloat(v);
    Files.write(dir.resolve("weights.bin"), b.array());
    ModelProto m = withExternal(tiny(), "weights.bin", 8);
    Path f = dir.resolve("ext.onnx");
    Files.write(f, m.toByteArray());
    TensorProto t = ModelIO.read(f).graph().initializer("ext.w").orElseThrow();
    assertArrayEquals(w, Tensors.toFloats(t));
  }

  @Test
  void externalDataOutsideTheModelFolderIsRefused() throws Exception {
    Path f = dir.resolve("evil.onnx");
    Files.write(f, withExternal(tiny(), "../secret.bin", 0).toByteArray());
    OnnxqException e = assertThrows(OnnxqException.class, () -> ModelIO.read(f));
    assertTrue(e.getMessage().contains("outside the model folder"), e.getMessage());
  }

  private static ModelProto withExternal(ModelProto m, String location, long offset) {
    TensorProto ext =
        TensorProto.newBuilder()
            .setName("ext.w")
            .setDataType(1)
            .addDims(2)
            .addDims(2)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue(location))
            .addExternalData(
                StringStringEntryProto.newBuilder()
                    .setKey("offset")
                    .setValue(Long.toString(offset)))
            .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("16"))
            .build();
    return m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(ext)).build();
  }

  @Test
  void truncatedAndForeignFilesGiveOneLineErrors() throws Exception {
    byte[] bytes = tiny().toByteArray();
    Path truncated = dir.resolve("t.onnx");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path text = dir.resolve("x.onnx");
    Files.writeString(text, "this is not a model at all\n");
    for (Path p : List.of(truncated, text, dir.resolve("missing.onnx"))) {
      OnnxqException e = assertThrows(OnnxqException.class, () -> ModelIO.read(p));
      assertFalse(e.getMessage().contains("\n"));
      assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
    }
  }

  @Test
  void danglingInputIsNamed() throws Exception {
    ModelBuilder b = new ModelBuilder(13).input("x", -1, 4).output("y", -1, 4);
    String y = b.node("Add", "x", "nowhere");
    Path f = dir.resolve("d.onnx");
    Files.write(f, b.rename(y, "y").build().toByteArray());
    OnnxqException e = assertThrows(OnnxqException.class, () -> ModelIO.read(f));
    assertTrue(e.getMessage().contains("'nowhere'"), e.getMessage());
  }

  @Test
  void failedWriteLeavesNothingBehind() throws Exception {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    Path out = blocker.resolve("m.onnx"); // parent is a regular file: cannot be created
    assertThrows(OnnxqException.class, () -> ModelIO.write(tiny(), out));
    assertFalse(Files.exists(out));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temp file left in the folder");
    }
  }
}
