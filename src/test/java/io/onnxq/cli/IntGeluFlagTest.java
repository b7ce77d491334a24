package io.onnxq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.model.ModelIO;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --int-gelu} alone means the table; its form is read attached or as the next word, and the
 * model path after the bare flag stays the model.
 */
class IntGeluFlagTest {
  @TempDir Path dir;
  private Path fp32;

  @BeforeEach
  void model() throws Exception {
    fp32 = dir.resolve("vit.onnx");
    Files.write(
        fp32,
        TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2).toByteArray());
    TestData.random(dir, 8, 3, 8, 8);
  }

  private FixedBatchTest.Run convert(String out, String... flags) {
    List<String> args = new ArrayList<>(List.of("convert"));
    args.addAll(List.of(flags));
    args.addAll(
        List.of(
            fp32.toString(),
            "--calib",
            dir.resolve("random.npy").toString(),
            "--pts",
            "--lis",
            "--quiet",
            "-o",
            dir.resolve(out).toString()));
    return FixedBatchTest.run(args.toArray(String[]::new));
  }

  /** The op types of the model's graph nodes. */
  private List<String> ops(String model) {
    return ModelIO.readProto(dir.resolve(model)).getGraph().getNodeList().stream()
        .map(NodeProto::getOpType)
        .toList();
  }

  @Test
  void eachSpellingPicksItsOp() throws Exception {
    FixedBatchTest.Run bare = convert("table.onnx", "--int-gelu");
    assertEquals(0, bare.code(), bare.err());
    assertTrue(ops("table.onnx").contains("GeluTable"));
    assertFalse(ops("table.onnx").contains("IntGelu"));
    for (String[] flags : new String[][] {{"--int-gelu=ibert"}, {"--int-gelu", "ibert"}}) {
      FixedBatchTest.Run r = convert("ibert.onnx", flags);
      assertEquals(0, r.code(), r.err());
      assertTrue(ops("ibert.onnx").contains("IntGelu"), String.join(" ", flags));
      assertFalse(ops("ibert.onnx").contains("GeluTable"), String.join(" ", flags));
      Files.delete(dir.resolve("ibert.onnx"));
    }
  }

  @Test
  void anUnknownFormIsAOneLineError() {
    FixedBatchTest.Run r = convert("bad.onnx", "--int-gelu=poly");
    assertEquals(2, r.code());
    assertEquals("onnxq: error: unknown --int-gelu 'poly'; valid: table, ibert", r.err().strip());
    assertFalse(Files.exists(dir.resolve("bad.onnx")));
  }
}
