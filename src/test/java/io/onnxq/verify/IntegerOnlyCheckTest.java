package io.onnxq.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.Progress;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.convert.Converter;
import io.onnxq.data.Dataset;
import io.onnxq.data.NpyDataset;
import io.onnxq.model.ModelIO;
import io.onnxq.model.OnnxModel;
import io.onnxq.model.Tensors;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.OperatorSetIdProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.proto.Onnx.TypeProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.GeluMode;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.W8A8;
import io.onnxq.recipe.WeightRange;
import io.onnxq.testutil.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IntegerOnlyCheckTest {
  static Dataset calib;

  @BeforeAll
  static void data() {
    calib = new NpyDataset(TestData.TESTMODELS.resolve("fmnist_calib.npy"), null, 0);
  }

  // ---- hand-built graphs ----

  @Test
  void qdqLinearIsIntegerOnly() {
    IntegerOnly r = IntegerOnlyCheck.check(linear(false, false).graph());
    assertTrue(r.quantized());
    assertTrue(r.integerOnly(), r.text());
    assertEquals(new IntegerOnly.Counts(6, 0, 4, 0, 0, 2), r.pathOps(), "Q, DQ, MatMul+Add, Q, DQ");
    assertEquals(
        "integer-only: yes (6 ops on the path: 4 quantize/dequantize,"
            + " 2 float ops in fused QDQ groups)",
        r.text());
  }

  @Test
  void nodeOrderDoesNotMatter() {
    Graphs b = linearGraph(false, false);
    Collections.reverse(b.nodes);
    assertTrue(IntegerOnlyCheck.check(b.model().graph()).integerOnly());
  }

  @Test
  void floatErfBeforeTheRequantizationBreaksIt() {
    IntegerOnly r = IntegerOnlyCheck.check(linear(true, false).graph());
    assertFalse(r.integerOnly());
    // The linear's output reaches a float op instead of a Q, so it leaves its group too.
    assertEquals(List.of("fc/MatMul (MatMul)", "fc/Add (Add)", "act/Erf (Erf)"), r.breaking());
    assertTrue(r.text().startsWith("integer-only: no, 3 float ops break it: fc/MatMul"), r.text());
  }

  @Test
  void outputNotFromDequantizeBreaksIt() {
    IntegerOnly r = IntegerOnlyCheck.check(linear(false, true).graph());
    assertFalse(r.integerOnly());
    assertEquals(List.of("model output out is float: produced by Add"), r.floatOutputs());
    assertTrue(r.text().endsWith("; model output out is float: produced by Add"), r.text());
  }

  @Test
  void fp32GraphIsNotQuantized() {
    Graphs b = new Graphs();
    b.node("MatMul", "fc/MatMul", List.of("x", b.floats("w", 4, 3)), "out");
    IntegerOnly r = IntegerOnlyCheck.check(b.model().graph());
    assertFalse(r.quantized());
    assertEquals("integer-only: not a quantized model (no QuantizeLinear on its input)", r.text());
  }

  /**
   * A residual Add of an unfused dequantize (Cast -> Sub -> Mul) and a DQ, a rescale by a constant
   * and a reshape to a shape read from the tensor: all integer-only.
   */
  @Test
  void residualRescaleAndShapeOpsAreIntegerOnly() {
    Graphs b = new Graphs();
    String xq = b.quantize("x");
    b.node("Cast", "x/Cast", List.of(xq), "xf", to(DataType.FLOAT));
    b.node("Sub", "x/Sub", List.of("xf", b.floats("x_zf", 1)), "xc");
    b.node("Mul", "x/Mul", List.of("xc", b.floats("x_sf", 1)), "x_unfused");
    b.node("DequantizeLinear", "x/DQ", List.of(xq, "x_scale", "x_zero"), "x_dq");
    b.node("Add", "residual", List.of("x_unfused", "x_dq"), "sum");
    b.node("Shape", "shape", List.of("sum"), "shape_of_sum");
    b.node("Reshape", "reshape", List.of(b.quantizeDequantize("sum"), "shape_of_sum"), "r");
    b.node("Mul", "rescale", List.of("r", b.floats("half", 1)), "scaled");
    b.node("DequantizeLinear", "out/DQ", List.of(b.quantize("scaled"), "s_scale", "s_zero"), "out");
    IntegerOnly r = IntegerOnlyCheck.check(b.model().graph());
    assertTrue(r.integerOnly(), r.breaking() + " " + r.floatOutputs());
    assertEquals(2, r.pathOps().fusedFloat(), "the residual Add and the rescale Mul: " + r);
  }

  @Test
  void longListsAreCut() {
    List<String> ops = new ArrayList<>();
    for (int i = 0; i < 15; i++) ops.add("n" + i + " (Erf)");
    String t = new IntegerOnly(true, false, IntegerOnly.Counts.NONE, ops, List.of()).text();
    assertTrue(t.contains("n11 (Erf), and 3 more"), t);
    assertFalse(t.contains("n12"), t);
  }

  // ---- conversions of the shipped test models ----

  @Test
  void fmnistPtsLisIsBrokenOnlyByTheGelus() {
    IntegerOnly r = convert("vit_fmnist_op13.onnx", FqVit.of(ObserverKind.MINMAX, true, true));
    print("FMNIST ViT --pts --lis", r);
    assertTrue(r.quantized());
    assertFalse(r.integerOnly());
    for (int b = 0; b < 4; b++)
      assertTrue(r.breaking().contains("/blocks." + b + "/act/Erf (Erf)"), r.breaking().toString());
    // What is left is each MLP's fc1 -> GELU: LayerNorm, Softmax and attn x V are integer.
    assertTrue(r.breaking().stream().allMatch(s -> s.contains("/fc1/") || s.contains("/act/")));
    assertEquals(List.of(), r.floatOutputs());
    assertTrue(r.pathOps().customOps() > 0);
  }

  @Test
  void fmnistW8a8KeepsLayerNormAndSoftmaxInFloat() {
    IntegerOnly r = convert("vit_fmnist_op13.onnx", W8A8.defaults());
    print("FMNIST ViT W8A8", r);
    assertFalse(r.integerOnly());
    assertTrue(r.breaking().contains("/blocks.0/attn/Softmax (Softmax)"), r.breaking().toString());
    assertTrue(r.breaking().contains("/blocks.0/norm1/ReduceMean (ReduceMean)"));
    assertTrue(r.breaking().contains("/blocks.0/act/Erf (Erf)"));
  }

  @Test
  void swinPtsLisIsBrokenOnlyByTheGelusToo() {
    IntegerOnly r = convert("swin_fmnist_op17.onnx", FqVit.of(ObserverKind.MINMAX, true, true));
    print("FMNIST Swin --pts --lis", r);
    assertFalse(r.integerOnly());
    assertTrue(r.breaking().stream().anyMatch(s -> s.endsWith("(Erf)")));
    // The patch-embedding LayerNorm writes the next norm's PTF codes, the mean pool before the
    // head runs on codes: what is left is each MLP's fc1 -> GELU.
    assertTrue(
        r.breaking().stream().allMatch(s -> s.contains("/mlp/fc1/") || s.contains("/mlp/act/")),
        r.breaking().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"vit_fmnist_op13.onnx", "vit_fmnist_op17.onnx", "swin_fmnist_op17.onnx"})
  void ptsLisIntGeluIsIntegerOnly(String model) {
    IntegerOnly r =
        convert(
            model,
            new FqVit(
                ObserverKind.MINMAX, WeightRange.REDUCED, true, true, 4, false, GeluMode.TABLE));
    assertTrue(r.integerOnly(), r.text());
    assertTrue(r.pathOps().customOps() > 0 && r.pathOps().fusedFloat() > 0, r.text());
  }

  /** Exporter variants whose graphs differ most around the head, the attention scale and Swin. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "timm_deit_distilled_fused.onnx",
        "hf_swin_sdpa.onnx",
        "tv_vit_b_16.onnx",
        "hf_vit_sdpa_dynamo_op21.onnx"
      })
  void exportsUnderPtsLisIntGeluAreIntegerOnly(String file, @TempDir Path dir) {
    ModelProto fp32 = ModelIO.readProto(TestData.TESTMODELS.resolve("exports").resolve(file));
    Recipe r =
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, true, true, 4, false, GeluMode.TABLE);
    Converter.Result q =
        new Converter(r, Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), TestData.random(dir, 2, 3, 224, 224), file);
    assertTrue(
        q.report().integerOnly().integerOnly(), file + ": " + q.report().integerOnly().text());
  }

  private static IntegerOnly convert(String model, Recipe recipe) {
    ModelProto fp32 = ModelIO.readProto(TestData.TESTMODELS.resolve(model));
    Converter.Result r =
        new Converter(recipe, Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), calib, model);
    IntegerOnly fromReport = r.report().integerOnly();
    assertEquals(IntegerOnlyCheck.check(new OnnxModel(r.model()).graph()), fromReport);
    return fromReport;
  }

  private static void print(String what, IntegerOnly r) {
    System.out.println(what + ": " + r.pathOps() + ", " + r.breaking().size() + " breaking:");
    r.breaking().forEach(s -> System.out.println("  " + s));
    r.floatOutputs().forEach(s -> System.out.println("  " + s));
  }

  // ---- a small graph builder: named nodes, typed initializers ----

  /**
   * Q -> DQ -> MatMul(DQ weight) -> Add(bias) [-> Erf] -> Q -> DQ -> out, or with the Add writing
   * the output itself.
   */
  private static OnnxModel linear(boolean erf, boolean floatOutput) {
    return linearGraph(erf, floatOutput).model();
  }

  private static Graphs linearGraph(boolean erf, boolean floatOutput) {
    Graphs b = new Graphs();
    b.initializer(Tensors.bytes("w_q", DataType.INT8, new byte[12], 4, 3));
    b.initializer(Tensors.floats("w_scale", new float[] {0.1f}));
    b.initializer(Tensors.bytes("w_zero", DataType.INT8, new byte[1]));
    b.node("DequantizeLinear", "w/DQ", List.of("w_q", "w_scale", "w_zero"), "w_dq");
    b.node("MatMul", "fc/MatMul", List.of(b.quantizeDequantize("x"), "w_dq"), "mm");
    String y = floatOutput ? "out" : "y";
    b.node("Add", "fc/Add", List.of("mm", b.floats("bias", 3)), y);
    if (floatOutput) return b;
    if (erf) {
      b.node("Erf", "act/Erf", List.of(y), "e");
      y = "e";
    }
    b.node("DequantizeLinear", "out/DQ", List.of(b.quantize(y), y + "_scale", y + "_zero"), "out");
    return b;
  }

  private static AttributeProto to(DataType t) {
    return AttributeProto.newBuilder()
        .setName("to")
        .setType(AttributeProto.AttributeType.INT)
        .setI(t.getNumber())
        .build();
  }

  /** Graph input {@code x} (float [1, 4]) and output {@code out}. */
  private static final class Graphs {
    final List<NodeProto> nodes = new ArrayList<>();
    final List<TensorProto> initializers = new ArrayList<>();

    void node(String op, String name, List<String> in, String out, AttributeProto... attrs) {
      nodes.add(
          NodeProto.newBuilder()
              .setOpType(op)
              .setName(name)
              .addAllInput(in)
              .addOutput(out)
              .addAllAttribute(List.of(attrs))
              .build());
    }

    void initializer(TensorProto t) {
      initializers.add(t);
    }

    String floats(String name, int... shape) {
      int n = 1;
      for (int d : shape) n *= d;
      float[] v = new float[n];
      java.util.Arrays.fill(v, 0.5f);
      initializer(Tensors.floats(name, v, shape));
      return name;
    }

    /** QuantizeLinear(t) with uint8 zero point; its scale and zero point are t_scale, t_zero. */
    String quantize(String t) {
      initializer(Tensors.floats(t + "_scale", new float[] {0.05f}));
      initializer(Tensors.bytes(t + "_zero", DataType.UINT8, new byte[] {(byte) 128}));
      node("QuantizeLinear", t + "/Q", List.of(t, t + "_scale", t + "_zero"), t + "_q");
      return t + "_q";
    }

    String quantizeDequantize(String t) {
      String q = quantize(t);
      node("DequantizeLinear", t + "/DQ", List.of(q, t + "_scale", t + "_zero"), t + "_dq");
      return t + "_dq";
    }

    OnnxModel model() {
      GraphProto g =
          GraphProto.newBuilder()
              .setName("test")
              .addAllNode(nodes)
              .addAllInitializer(initializers)
              .addInput(floatValue("x"))
              .addOutput(floatValue("out"))
              .build();
      return new OnnxModel(
          ModelProto.newBuilder()
              .setIrVersion(8)
              .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
              .setGraph(g)
              .build());
    }

    private static ValueInfoProto floatValue(String name) {
      return ValueInfoProto.newBuilder()
          .setName(name)
          .setType(
              TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)))
          .build();
    }
  }
}
