package io.onnxq.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArrayTest {
  @TempDir Path dir;

  /** Builds an .npy file by hand so header parsing is tested against NumPy's format, not ours. */
  static byte[] npy(int major, String dict, byte[] data) {
    int prefix = major == 1 ? 10 : 12;
    String header = dict;
    while ((prefix + header.length() + 1) % 64 != 0) {
      header += " ";
    }
    header += "\n";
    ByteBuffer b =
        ByteBuffer.allocate(prefix + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) header.length());
    } else {
      b.putInt(header.length());
    }
    b.put(header.getBytes(StandardCharsets.UTF_8)).put(data);
    return b.array();
  }

  static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  @Test
  void floatRoundTrip() {
    Path f = dir.resolve("a.npy");
    float[] data = new float[2 * 3 * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.25f - 3f;
    }
    NpyArray.writeFloat(f, data, new int[] {2, 3, 4});
    NpyArray a = NpyArray.read(f);
    assertEquals("<f4", a.dtype());
    assertArrayEquals(new long[] {2, 3, 4}, a.shape());
    assertArrayEquals(data, a.asFloats());
    assertArrayEquals(Arrays.copyOfRange(data, 12, 24), a.readFloatRows(1, 1));
    assertArrayEquals(data, NpyArray.readFloatRange(f, 0, 2));
  }

  @Test
  void writtenHeaderIsAlignedLikeNumpy() throws Exception {
    Path f = dir.resolve("h.npy");
    NpyArray.writeLong(f, new long[] {1, 2, 3}, new int[] {3});
    byte[] bytes = Files.readAllBytes(f);
    int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
    assertEquals(0, (10 + headerLen) % 64);
    String header = new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1);
    assertTrue(header.contains("'shape': (3,)"), header);
    assertTrue(header.endsWith("\n"));
  }

  @Test
  void longRoundTrip() {
    Path f = dir.resolve("l.npy");
    long[] data = {0, -1, 999, Long.MAX_VALUE, 5, 6};
    NpyArray.writeLong(f, data, new int[] {2, 3});
    NpyArray a = NpyArray.read(f);
    assertEquals("<i8", a.dtype());
    assertArrayEquals(data, a.asLongs());
    assertThrows(OnnxqException.class, a::asFloats);
  }

  @Test
  void parsesHandWrittenV1AndV2Headers() throws Exception {
    Path v1 = dir.resolve("v1.npy");
    Files.write(
        v1, npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", ints(7, -2, 9)));
    NpyArray a = NpyArray.read(v1);
    assertEquals("<i4", a.dtype());
    assertArrayEquals(new long[] {3}, a.shape());
    assertArrayEquals(new long[] {7, -2, 9}, a.asLongs());

    Path v2 = dir.resolve("v2.npy");
    Files.write(
        v2,
        npy(
            2,
            "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }",
            new byte[] {1, 2, 3, (byte) 255}));
    NpyArray b = NpyArray.read(v2);
    assertArrayEquals(new long[] {2, 2}, b.shape());
    assertArrayEquals(new long[] {1, 2, 3, 255}, b.asLongs());
  }

  @Test
  void scalarShape() throws Exception {
    Path f = dir.resolve("s.npy");
    Files.write(f, npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (), }", ints(42)));
    NpyArray a = NpyArray.read(f);
    assertEquals(0, a.shape().length);
    assertArrayEquals(new long[] {42}, a.asLongs());
  }

  @Test
  void truncatedFileIsRejected() throws Exception {
    Path f = dir.resolve("t.npy");
    NpyArray.writeFloat(f, new float[100], new int[] {10, 10});
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length - 4));
    OnnxqException e = assertThrows(OnnxqException.class, () -> NpyArray.read(f));
    assertTrue(
        e.getMessage().contains("t.npy") && e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void badMagicIsRejected() throws Exception {
    Path f = dir.resolve("bad.npy");
    Files.writeString(f, "this is not a numpy file at all");
    OnnxqException e = assertThrows(OnnxqException.class, () -> NpyArray.read(f));
    assertTrue(
        e.getMessage().contains("bad.npy") && e.getMessage().contains("not an npy"),
        e.getMessage());
    Path tiny = dir.resolve("tiny.npy");
    Files.write(tiny, new byte[] {1, 2});
    assertThrows(OnnxqException.class, () -> NpyArray.read(tiny));
  }

  @Test
  void fortranOrderIsRejected() throws Exception {
    Path f = dir.resolve("f.npy");
    Files.write(
        f, npy(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (3,), }", ints(1, 2, 3)));
    OnnxqException e = assertThrows(OnnxqException.class, () -> NpyArray.read(f));
    assertTrue(e.getMessage().contains("fortran_order"), e.getMessage());
  }

  @Test
  void unsupportedDtypeIsRejected() throws Exception {
    Path f = dir.resolve("d.npy");
    Files.write(
        f, npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
    OnnxqException e = assertThrows(OnnxqException.class, () -> NpyArray.read(f));
    assertTrue(e.getMessage().contains("d.npy") && e.getMessage().contains("<f8"), e.getMessage());
    Path be = dir.resolve("be.npy");
    Files.write(
        be, npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]));
    assertTrue(
        assertThrows(OnnxqException.class, () -> NpyArray.read(be))
            .getMessage()
            .contains("big-endian"));
  }

  @Test
  void missingFileNamesThePath() {
    OnnxqException e =
        assertThrows(OnnxqException.class, () -> NpyArray.read(dir.resolve("nope.npy")));
    assertTrue(e.getMessage().contains("nope.npy"));
  }

  @Test
  void largeWriteReadIsChunked() {
    // Larger than one 16 MB read chunk, to exercise the chunk loop.
    int n = 5_000_000;
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = i;
    }
    Path f = dir.resolve("big.npy");
    NpyArray.writeFloat(f, data, new int[] {5, 1_000_000});
    assertArrayEquals(data, NpyArray.read(f).asFloats());
    assertEquals(3_000_000f, NpyArray.readFloatRange(f, 3, 1)[0]);
  }
}
