package io.onnxq.testutil;

import static io.onnxq.testutil.ModelBuilder.floatAttr;
import static io.onnxq.testutil.ModelBuilder.intAttr;
import static io.onnxq.testutil.ModelBuilder.intsAttr;

import io.onnxq.proto.Onnx.ModelProto;
import java.util.List;

/**
 * A randomly initialised ViT graph in the export variants the pattern finder must accept: input
 * [B,3,8,8], 4x4 patches (4 tokens), dim 8, 2 heads, mean-pooled head with 5 classes.
 */
public final class TinyVit {
  public enum Norm {
    FUSED,
    DECOMPOSED
  }

  public enum Gelu {
    ERF,
    TANH,
    SIGMOID,
    OP
  }

  public enum Scale {
    MUL_Q,
    DIV_AFTER,
    SPLIT_QK
  }

  public static final int DIM = 8;
  public static final int HEADS = 2;
  public static final int TOKENS = 4;

  private TinyVit() {}

  public static ModelProto build(Norm norm, Gelu gelu, Scale scale, int blocks) {
    long opset = gelu == Gelu.OP ? 20 : norm == Norm.FUSED ? 17 : 13;
    ModelBuilder b = new ModelBuilder(opset).input("input", -1, 3, 8, 8).output("logits", -1, 5);
    int d = DIM;
    String x =
        b.node(
            "Conv",
            List.of("input", b.randomInit("pe.w", 0.3f, d, 3, 4, 4), b.randomInit("pe.b", 0.1f, d)),
            intsAttr("kernel_shape", 4, 4),
            intsAttr("strides", 4, 4));
    x = b.node("Reshape", x, b.ints(0, d, -1));
    x = b.node("Transpose", List.of(x), intsAttr("perm", 0, 2, 1));
    x = b.node("Add", x, b.randomInit("pos", 0.5f, 1, TOKENS, d));
    for (int i = 0; i < blocks; i++) {
      String p = "b" + i + ".";
      String h = layerNorm(b, norm, x, p + "n1");
      String qkv = linear(b, h, d, 3 * d, p + "qkv");
      String r = b.node("Reshape", qkv, b.ints(0, TOKENS, 3, HEADS, d / HEADS));
      r = b.node("Transpose", List.of(r), intsAttr("perm", 2, 0, 3, 1, 4));
      String q = b.node("Gather", List.of(r, b.ints(0)), intAttr("axis", 0));
      String k = b.node("Gather", List.of(r, b.ints(1)), intAttr("axis", 0));
      String v = b.node("Gather", List.of(r, b.ints(2)), intAttr("axis", 0));
      q = b.node("Squeeze", q, b.ints(0));
      k = b.node("Squeeze", k, b.ints(0));
      v = b.node("Squeeze", v, b.ints(0));
      String kt = b.node("Transpose", List.of(k), intsAttr("perm", 0, 1, 3, 2));
      float sc = (float) (1 / Math.sqrt(d / HEADS));
      String logits =
          switch (scale) {
            case MUL_Q -> b.node("MatMul", b.node("Mul", q, b.scalar(sc)), kt);
            case DIV_AFTER ->
                b.node("Div", b.node("MatMul", q, kt), b.scalar((float) Math.sqrt(d / HEADS)));
            case SPLIT_QK ->
                b.node(
                    "MatMul",
                    b.node("Mul", q, b.scalar((float) Math.sqrt(sc))),
                    b.node("Mul", kt, b.scalar((float) Math.sqrt(sc))));
          };
      String probs = b.node("Softmax", List.of(logits), intAttr("axis", -1));
      String a = b.node("MatMul", probs, v);
      a = b.node("Transpose", List.of(a), intsAttr("perm", 0, 2, 1, 3));
      a = b.node("Reshape", a, b.ints(0, TOKENS, d));
      x = b.node("Add", x, linear(b, a, d, d, p + "proj"));
      h = layerNorm(b, norm, x, p + "n2");
      h = linear(b, h, d, 2 * d, p + "fc1");
      h = gelu(b, gelu, h);
      x = b.node("Add", x, linear(b, h, 2 * d, d, p + "fc2"));
    }
    x = layerNorm(b, norm, x, "norm");
    x =
        opset >= 18
            ? b.node("ReduceMean", List.of(x, b.ints(1)), intAttr("keepdims", 0))
            : b.node("ReduceMean", List.of(x), intsAttr("axes", 1), intAttr("keepdims", 0));
    String out =
        b.node(
            "Gemm",
            List.of(x, b.randomInit("head.w", 0.5f, 5, d), b.randomInit("head.b", 0.1f, 5)),
            intAttr("transB", 1));
    return b.rename(out, "logits").build();
  }

  static String linear(ModelBuilder b, String x, int in, int out, String name) {
    String y = b.node("MatMul", x, b.randomInit(name + ".w", (float) (1 / Math.sqrt(in)), in, out));
    return b.node("Add", b.randomInit(name + ".b", 0.05f, out), y);
  }

  static String layerNorm(ModelBuilder b, Norm norm, String x, String name) {
    String gamma = b.init(name + ".g", ones(DIM), DIM);
    String beta = b.randomInit(name + ".b", 0.1f, DIM);
    if (norm == Norm.FUSED) {
      return b.node(
          "LayerNormalization",
          List.of(x, gamma, beta),
          intAttr("axis", -1),
          floatAttr("epsilon", 1e-6f));
    }
    String mean = b.node("ReduceMean", List.of(x), intsAttr("axes", -1));
    String diff = b.node("Sub", x, mean);
    String var =
        b.node("ReduceMean", List.of(b.node("Pow", diff, b.scalar(2))), intsAttr("axes", -1));
    String std = b.node("Sqrt", b.node("Add", var, b.scalar(1e-6f)));
    return b.node("Add", b.node("Mul", b.node("Div", diff, std), gamma), beta);
  }

  static String gelu(ModelBuilder b, Gelu form, String x) {
    return switch (form) {
      case OP -> b.node("Gelu", x);
      case ERF ->
          b.node(
              "Mul",
              b.node(
                  "Mul",
                  x,
                  b.node(
                      "Add", b.node("Erf", b.node("Div", x, b.scalar(1.4142135f))), b.scalar(1))),
              b.scalar(0.5f));
      case SIGMOID -> b.node("Mul", x, b.node("Sigmoid", b.node("Mul", x, b.scalar(1.702f))));
      case TANH -> {
        String cube = b.node("Mul", b.node("Mul", x, x), x);
        String inner =
            b.node(
                "Mul",
                b.node("Add", x, b.node("Mul", cube, b.scalar(0.044715f))),
                b.scalar(0.7978845608f));
        yield b.node(
            "Mul",
            b.node("Mul", x, b.scalar(0.5f)),
            b.node("Add", b.node("Tanh", inner), b.scalar(1)));
      }
    };
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1);
    return v;
  }
}
