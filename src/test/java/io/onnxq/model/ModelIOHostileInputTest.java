package io.onnxq.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.onnxq.OnnxqException;
import io.onnxq.cli.Main;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.StringStringEntryProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.testutil.TinyVit;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files built to hurt the reader: every one must end in a one-line {@link OnnxqException}.
 */
class ModelIOHostileInputTest {
  @TempDir Path root;

  private static final float[] W = {1, 2, 3, 4};

  private static ModelProto tiny() {
    return TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 1);
  }

  private static TensorProto external(
      String name, String location, String offset, String length, long... dims) {
    TensorProto.Builder b =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(1)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("location", location));
    for (long d : dims.length == 0 ? new long[] {2, 2} : dims) b.addDims(d);
    if (offset != null) b.addExternalData(entry("offset", offset));
    if (length != null) b.addExternalData(entry("length", length));
    return b.build();
  }

  private static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  private static ModelProto withInit(ModelProto m, TensorProto t) {
    return m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(t)).build();
  }

  private static ModelProto withGraph(ModelProto m, UnaryOperator<GraphProto.Builder> f) {
    return m.toBuilder().setGraph(f.apply(m.getGraph().toBuilder())).build();
  }

  private Path modelDir() throws Exception {
    return Files.createDirectories(root.resolve("model"));
  }

  private static void writeWeights(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : W) b.putFloat(v);
    Files.write(file, b.array());
  }

  private static Path save(Path dir, ModelProto m) throws Exception {
    Path f = dir.resolve("m.onnx");
    Files.write(f, m.toByteArray());
    return f;
  }

  /** The read fails with one line that contains every fragment. */
  private static OnnxqException refused(Path model, String... fragments) {
    OnnxqException e = assertThrows(OnnxqException.class, () -> ModelIO.read(model));
    String msg = e.getMessage();
    assertFalse(msg.contains("\n") || msg.contains("\r"), msg);
    for (String f : fragments) assertTrue(msg.contains(f), "'" + f + "' not in: " + msg);
    return e;
  }

  // ---- 1. external data: links, non-regular files, offsets, invalid paths ----

  @Test
  void symlinkToAFileOutsideTheModelFolderIsRefused() throws Exception {
    Path dir = modelDir();
    writeWeights(root.resolve("secret.bin"));
    Files.createSymbolicLink(dir.resolve("link.bin"), root.resolve("secret.bin"));
    Path f = save(dir, withInit(tiny(), external("ext.w", "link.bin", "0", "16")));
    refused(f, "'ext.w'", "outside the model folder", "link.bin");
  }

  @Test
  void symlinkedFolderLeadingOutsideIsRefused() throws Exception {
    Path dir = modelDir();
    Path outside = Files.createDirectories(root.resolve("outside"));
    writeWeights(outside.resolve("w.bin"));
    Files.createSymbolicLink(dir.resolve("sub"), outside);
    Path f = save(dir, withInit(tiny(), external("ext.w", "sub/w.bin", "0", "16")));
    refused(f, "outside the model folder");
  }

  @Test
  void symlinkThatStaysInsideIsFollowedAndModelFolderMayBeALink() throws Exception {
    Path real = modelDir();
    writeWeights(real.resolve("w.bin"));
    Files.createSymbolicLink(real.resolve("alias.bin"), real.resolve("w.bin"));
    save(real, withInit(tiny(), external("ext.w", "alias.bin", "0", "16")));
    Path linkedDir = Files.createSymbolicLink(root.resolve("linked"), real);
    TensorProto t =
        ModelIO.read(linkedDir.resolve("m.onnx")).graph().initializer("ext.w").orElseThrow();
    assertArrayEquals(W, Tensors.toFloats(t));
  }

  @Test
  void absoluteAndDotDotLocationsAreRefused() throws Exception {
    Path dir = modelDir();
    writeWeights(root.resolve("secret.bin"));
    for (String loc :
        List.of(root.resolve("secret.bin").toString(), "../secret.bin", "a/../../secret.bin")) {
      Path f = save(dir, withInit(tiny(), external("ext.w", loc, "0", "16")));
      refused(f, "outside the model folder");
    }
  }

  @Test
  void fifoIsRefusedWithoutOpeningIt() throws Exception {
    Path dir = modelDir();
    Path fifo = dir.resolve("pipe.bin");
    int rc;
    try {
      rc = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
    } catch (java.io.IOException e) {
      rc = -1;
    }
    assumeTrue(rc == 0 && Files.exists(fifo), "mkfifo not available");
    Path f = save(dir, withInit(tiny(), external("ext.w", "pipe.bin", "0", "16")));
    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> refused(f, "'ext.w'", "not a regular file"));
  }

  @Test
  void directoryIsRefused() throws Exception {
    Path dir = modelDir();
    Files.createDirectories(dir.resolve("d"));
    refused(save(dir, withInit(tiny(), external("ext.w", "d", "0", "16"))), "not a regular file");
    refused(save(dir, withInit(tiny(), external("ext.w", ".", "0", "16"))), "not a regular file");
  }

  @Test
  void badOffsetsAndLengthsAreNamed() throws Exception {
    Path dir = modelDir();
    writeWeights(dir.resolve("w.bin"));
    String[][] cases = {
      {"abc", "16", "invalid offset 'abc'"},
      {"-8", "16", "invalid offset '-8'"},
      {"1e3", "16", "invalid offset '1e3'"},
      {"99999999999999999999", "16", "invalid offset"},
      {"0", "x", "invalid length 'x'"},
      {"0", "-1", "invalid length '-1'"},
      {"8", "16", "truncated"},
      {"17", null, "truncated"},
      {"0", "17", "truncated"},
      {String.valueOf(Long.MAX_VALUE), "16", "truncated"},
      {"1", String.valueOf(Long.MAX_VALUE), "truncated"},
      {"0", "12", "12 bytes but its type and shape need 16"},
    };
    for (String[] c : cases) {
      Path f = save(dir, withInit(tiny(), external("ext.w", "w.bin", c[0], c[1])));
      refused(f, "'ext.w'", c[2]);
    }
  }

  @Test
  void invalidLocationsGiveOneLine() throws Exception {
    Path dir = modelDir();
    writeWeights(dir.resolve("w.bin"));
    refused(
        save(dir, withInit(tiny(), external("ext.w", "w.bin\0../../etc/passwd", "0", "16"))),
        "'ext.w'",
        "invalid external data location");
    refused(
        save(dir, withInit(tiny(), external("ext.w", "", "0", "16"))), "'ext.w'", "no location");
    refused(
        save(dir, withInit(tiny(), external("ext.w", "missing.bin", "0", "16"))),
        "not found",
        "missing.bin");
    // a hostile name cannot break the one-line message
    refused(
        save(dir, withInit(tiny(), external("evil\nname", "../x", "0", "16"))), "evil\\u000aname");
  }

  // ---- 2. Constant nodes with external tensors ----

  private static ModelProto withExternalConstant(String location) {
    return withGraph(
        tiny(),
        g ->
            g.addNode(
                0,
                NodeProto.newBuilder()
                    .setOpType("Constant")
                    .setName("const_w")
                    .addOutput("const_w_out")
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("value")
                            .setType(AttributeProto.AttributeType.TENSOR)
                            .setT(external("", location, "0", "16")))));
  }

  @Test
  void constantNodeWithExternalValueIsInlined() throws Exception {
    Path dir = modelDir();
    writeWeights(dir.resolve("w.bin"));
    Path f = save(dir, withExternalConstant("w.bin"));
    ModelProto p = ModelIO.readProto(f);
    TensorProto t = p.getGraph().getNode(0).getAttribute(0).getT();
    assertNotEquals(TensorProto.DataLocation.EXTERNAL, t.getDataLocation());
    assertEquals(0, t.getExternalDataCount());
    assertArrayEquals(W, Tensors.toFloats(t));
    // the graph sees it as a constant tensor too
    assertArrayEquals(
        W, Tensors.toFloats(ModelIO.read(f).graph().constant("const_w_out").orElseThrow()));
  }

  @Test
  void constantNodeExternalValueGetsTheSameChecks() throws Exception {
    Path dir = modelDir();
    writeWeights(root.resolve("secret.bin"));
    Files.createSymbolicLink(dir.resolve("link.bin"), root.resolve("secret.bin"));
    refused(save(dir, withExternalConstant("link.bin")), "outside the model folder");
    refused(save(dir, withExternalConstant("../secret.bin")), "outside the model folder");
  }

  @Test
  void externalTensorInASubgraphIsInlined() throws Exception {
    Path dir = modelDir();
    writeWeights(dir.resolve("w.bin"));
    GraphProto branch =
        GraphProto.newBuilder()
            .setName("then")
            .addInitializer(external("sub.w", "w.bin", "0", "16"))
            .build();
    ModelProto m =
        withGraph(
            tiny(),
            g ->
                g.addNode(
                    NodeProto.newBuilder()
                        .setOpType("If")
                        .setName("if")
                        .addAttribute(
                            AttributeProto.newBuilder()
                                .setName("then_branch")
                                .setType(AttributeProto.AttributeType.GRAPH)
                                .setG(branch))));
    ModelProto p = ModelIO.readProto(save(dir, m));
    NodeProto n = p.getGraph().getNode(p.getGraph().getNodeCount() - 1);
    assertArrayEquals(W, Tensors.toFloats(n.getAttribute(0).getG().getInitializer(0)));
  }

  @Test
  void realExternalDataExportReads() throws Exception {
    Path src = Path.of("testmodels/exports/timm_vit_fused_dynamo_extdata.onnx");
    assumeTrue(Files.isRegularFile(src));
    OnnxModel m = ModelIO.read(src);
    ModelProto p = m.original();
    assertTrue(
        p.getGraph().getInitializerList().stream()
            .noneMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL));
  }

  // ---- 3. size caps ----

  private static void sparse(Path file, long size) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  @Test
  void tensorOverThePerTensorCapIsRefusedBeforeReading() throws Exception {
    Path dir = modelDir();
    long size = 3L << 30;
    sparse(dir.resolve("big.bin"), size);
    Path f = save(dir, withInit(tiny(), external("big.w", "big.bin", null, null, size / 4)));
    refused(f, "'big.w'", "per-tensor cap", String.valueOf(ExternalData.MAX_EXTERNAL_TENSOR_BYTES));
  }

  @Test
  void totalOverTheCapIsRefusedBeforeReading() throws Exception {
    Path dir = modelDir();
    long each =
        1200L << 20; // 1.17 GiB, under the per-tensor cap; two of them are over the total cap
    sparse(dir.resolve("big.bin"), 2 * each);
    ModelProto m =
        withInit(
            withInit(tiny(), external("a.w", "big.bin", "0", String.valueOf(each), each / 4)),
            external("b.w", "big.bin", String.valueOf(each), String.valueOf(each), each / 4));
    refused(save(dir, m), "total cap", String.valueOf(ExternalData.MAX_EXTERNAL_TOTAL_BYTES));
  }

  // ---- 4. IR and opset versions ----

  @Test
  void oldIrVersionIsRefusedNotRewritten() throws Exception {
    Path dir = modelDir();
    Path f = save(dir, tiny().toBuilder().setIrVersion(3).build());
    refused(f, "IR version 3");
    assertCliRefuses(f, "IR version 3");
    ModelIO.read(save(dir, tiny().toBuilder().setIrVersion(7).build())); // IR 7 is fine
  }

  @Test
  void opsetOlderThan13IsRefused() throws Exception {
    Path dir = modelDir();
    ModelProto m = tiny();
    m = m.toBuilder().setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(12)).build();
    Path f = save(dir, m);
    refused(f, "opset 12", "13");
    assertCliRefuses(f, "opset 12");
  }

  private void assertCliRefuses(Path model, String fragment) throws Exception {
    List<String[]> commands = new ArrayList<>();
    commands.add(new String[] {"inspect", model.toString()});
    Path calib = Path.of("testmodels/fmnist_calib.npy");
    if (Files.isRegularFile(calib)) {
      commands.add(
          new String[] {
            "convert",
            model.toString(),
            "--calib",
            calib.toString(),
            "-o",
            root.resolve("out.onnx").toString()
          });
    }
    for (String[] args : commands) {
      StringWriter err = new StringWriter();
      int rc = Main.run(new PrintWriter(err, true), args);
      String text = err.toString().strip();
      assertNotEquals(0, rc, args[0]);
      assertEquals(1, text.lines().count(), args[0] + ": " + text);
      assertTrue(text.contains(fragment), args[0] + ": " + text);
      assertFalse(text.contains("internal error"), text);
    }
  }

  // ---- 5. invalid UTF-8 ----

  private static final ByteString BAD =
      ByteString.copyFrom(new byte[] {'n', (byte) 0xff, (byte) 0xfe});

  @Test
  void invalidUtf8InNamesIsRefused() throws Exception {
    Path dir = modelDir();
    List<UnaryOperator<GraphProto.Builder>> edits =
        List.of(
            g -> g.setNode(0, g.getNode(0).toBuilder().setNameBytes(BAD)),
            g -> g.setNode(0, g.getNode(0).toBuilder().setOpTypeBytes(BAD)),
            g -> g.setNode(0, g.getNode(0).toBuilder().setDomainBytes(BAD)),
            g -> g.setNode(0, g.getNode(0).toBuilder().addInputBytes(BAD)),
            g -> g.setNode(0, g.getNode(0).toBuilder().addOutputBytes(BAD)),
            g ->
                g.addNode(
                    NodeProto.newBuilder()
                        .setOpType("Constant")
                        .addOutput("c")
                        .addAttribute(
                            AttributeProto.newBuilder()
                                .setNameBytes(BAD)
                                .setType(AttributeProto.AttributeType.FLOAT)
                                .setF(1))),
            g -> g.setInitializer(0, g.getInitializer(0).toBuilder().setNameBytes(BAD)),
            g -> g.setInput(0, g.getInput(0).toBuilder().setNameBytes(BAD)),
            g -> g.setOutput(0, g.getOutput(0).toBuilder().setNameBytes(BAD)));
    for (UnaryOperator<GraphProto.Builder> e : edits) {
      Path f = save(dir, withGraph(tiny(), e));
      OnnxqException ex = assertThrows(OnnxqException.class, () -> ModelIO.readProto(f));
      assertTrue(ex.getMessage().contains("invalid UTF-8"), ex.getMessage());
      assertFalse(ex.getMessage().contains("\n"));
    }
  }

  // ---- 6. NaN / Inf weights ----

  private static TensorProto rawTensor(
      String name, TensorProto.DataType type, ByteBuffer data, long n) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(type.getNumber())
        .addDims(n)
        .setRawData(ByteString.copyFrom(data.flip()))
        .build();
  }

  @Test
  void nanOrInfWeightsAreNamed() throws Exception {
    Path dir = modelDir();
    ByteBuffer d =
        ByteBuffer.allocate(24)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putDouble(1)
            .putDouble(Double.NEGATIVE_INFINITY)
            .putDouble(0);
    ByteBuffer h =
        ByteBuffer.allocate(6)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short) 0x3c00)
            .putShort((short) 0x3c00)
            .putShort((short) 0x7e00);
    Object[][] cases = {
      {
        Tensors.floats("w.nan", new float[] {1, 2, Float.NaN, 4}, 4),
        "model weight 'w.nan' contains NaN at index 2"
      },
      {
        Tensors.floats("w.inf", new float[] {Float.POSITIVE_INFINITY}, 1),
        "model weight 'w.inf' contains +Inf at index 0"
      },
      {
        TensorProto.newBuilder()
            .setName("w.fd")
            .setDataType(1)
            .addDims(2)
            .addFloatData(0)
            .addFloatData(Float.NaN)
            .build(),
        "'w.fd' contains NaN at index 1"
      },
      {rawTensor("w.d", TensorProto.DataType.DOUBLE, d, 3), "'w.d' contains -Inf at index 1"},
      {rawTensor("w.h", TensorProto.DataType.FLOAT16, h, 3), "'w.h' contains NaN at index 2"},
      {
        TensorProto.newBuilder()
            .setName("w.hi")
            .setDataType(TensorProto.DataType.FLOAT16.getNumber())
            .addDims(2)
            .addInt32Data(0)
            .addInt32Data(0xfc00)
            .build(),
        "'w.hi' contains -Inf at index 1"
      },
    };
    for (Object[] c : cases)
      refused(save(dir, withInit(tiny(), (TensorProto) c[0])), (String) c[1]);
    // a Constant node's tensor, named after its output
    ModelProto m =
        withGraph(
            tiny(),
            g ->
                g.addNode(
                    0,
                    NodeProto.newBuilder()
                        .setOpType("Constant")
                        .addOutput("k")
                        .addAttribute(
                            AttributeProto.newBuilder()
                                .setName("value")
                                .setType(AttributeProto.AttributeType.TENSOR)
                                .setT(Tensors.floats("", new float[] {0, Float.NaN}, 2)))));
    refused(save(dir, m), "model weight 'k' contains NaN at index 1");
  }

  @Test
  void nanInExternalWeightsIsFoundToo() throws Exception {
    Path dir = modelDir();
    ByteBuffer b =
        ByteBuffer.allocate(16)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putFloat(1)
            .putFloat(1)
            .putFloat(1)
            .putFloat(Float.NaN);
    Files.write(dir.resolve("w.bin"), b.array());
    refused(
        save(dir, withInit(tiny(), external("ext.w", "w.bin", "0", "16"))),
        "'ext.w' contains NaN at index 3");
  }

  @Test
  void everyShippedTestModelStillReads() throws Exception {
    Path models = Path.of("testmodels");
    assumeTrue(Files.isDirectory(models));
    List<Path> files;
    try (Stream<Path> s = Files.walk(models)) {
      files = s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    for (Path p : files) ModelIO.read(p);
  }
}
