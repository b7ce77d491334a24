package io.onnxq.pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onnxq.model.Node;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinearLayerNameTest {
  @ParameterizedTest
  @CsvSource({
    "/blocks/blocks.0/attn/qkv/MatMul, w, blocks.0.attn.qkv",
    "/head/Gemm, w, head",
    "/patch_embed/proj/Conv, w, patch_embed.proj",
    "/vit/encoder/layer.3/attention/attention/query/MatMul, w, vit.encoder.layer.3.attention.attention.query",
    "/features/features.1/features.1.0/attn/qkv/MatMul, w, features.1.0.attn.qkv",
    "MatMul_12, blocks.0.mlp.fc1.weight, blocks.0.mlp.fc1",
    "n4, b0.fc1.w, b0.fc1.w"
  })
  void moduleNamesFollowTheExportersScopes(String node, String weight, String expected) {
    Node n = Node.of("MatMul", node, List.of("x", weight), List.of("y"));
    LinearLayer l = new LinearLayer(n, null, "x", "y", weight, null, 1, LinearLayer.Role.OTHER);
    assertEquals(expected, l.moduleName());
  }
}
