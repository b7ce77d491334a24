package io.onnxq.pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.model.OnnxModel;
import io.onnxq.testutil.ModelBuilder;
import io.onnxq.testutil.TinyVit;
import io.onnxq.testutil.TinyVit.Gelu;
import io.onnxq.testutil.TinyVit.Norm;
import io.onnxq.testutil.TinyVit.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VitPatternFinderTest {
  private static VitStructure find(Norm n, Gelu g, Scale s) {
    return VitPatternFinder.find(new OnnxModel(TinyVit.build(n, g, s, 2)).graph());
  }

  private static void assertComplete(VitStructure s, boolean fusedNorm, String geluForm) {
    assertEquals(2, s.blocks().size());
    for (TransformerBlock b : s.blocks())
      assertTrue(b.complete(), "block " + b.index() + " incomplete: " + b);
    assertEquals(5, s.layerNorms().size());
    assertEquals(fusedNorm, s.layerNorms().get(0).fused());
    assertEquals(2, s.gelus().size());
    assertEquals(geluForm, s.gelus().get(0).form());
    assertEquals(1, s.linears(LinearLayer.Role.PATCH_EMBED).size());
    assertEquals(1, s.linears(LinearLayer.Role.HEAD).size());
    assertEquals(LinearLayer.Role.QKV, s.blocks().get(0).qkv().get(0).role());
    assertEquals(0, s.linears(LinearLayer.Role.OTHER).size());
    assertTrue(s.finalNorm() != null);
    assertEquals(4, s.residuals().size());
  }

  @ParameterizedTest
  @EnumSource(Scale.class)
  void attentionScaleAnywhere(Scale scale) {
    assertComplete(find(Norm.DECOMPOSED, Gelu.ERF, scale), false, "erf");
  }

  @ParameterizedTest
  @EnumSource(Gelu.class)
  void everyGeluForm(Gelu gelu) {
    String form = gelu == Gelu.OP ? "op" : gelu.name().toLowerCase();
    assertComplete(find(Norm.FUSED, gelu, Scale.MUL_Q), true, form);
  }

  @Test
  void layerNormEpsilonAndAffineAreRead() {
    VitStructure s = find(Norm.DECOMPOSED, Gelu.ERF, Scale.MUL_Q);
    LayerNormPattern ln = s.layerNorms().get(0);
    assertEquals(1e-6f, ln.epsilon(), 1e-9f);
    assertEquals("b0.n1.g", ln.gamma());
    assertEquals("b0.n1.b", ln.beta());
    assertEquals(9, ln.nodes().size());
  }

  @Test
  void graphWithoutAttentionIsRefusedWithOneLine() {
    ModelBuilder b = new ModelBuilder(13).input("x", -1, 4).output("y", -1, 4);
    String y = b.node("MatMul", "x", b.randomInit("w", 1, 4, 4));
    OnnxModel m = new OnnxModel(b.rename(y, "y").build());
    OnnxqException e = assertThrows(OnnxqException.class, () -> VitPatternFinder.find(m.graph()));
    assertTrue(e.getMessage().startsWith("no transformer structure found"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }
}
