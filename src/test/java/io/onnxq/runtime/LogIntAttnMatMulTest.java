package io.onnxq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogIntAttnMatMulTest {

  @Test
  void weights() {
    assertEquals(32768, LogIntAttnMatMul.weight(0));
    assertEquals(1, LogIntAttnMatMul.weight(15));
    assertEquals(0, LogIntAttnMatMul.weight(16));
    assertEquals(0, LogIntAttnMatMul.weight(255));
    assertEquals(0.5f / 32768, LogIntAttnMatMul.accScale(0.5f));
  }

  @Test
  void equalsDequantizedProduct() {
    Random rnd = new Random(51);
    int batch = 3;
    int m = 5;
    int n = 7;
    int d = 4;
    int zv = 9;
    float sv = 0.125f;
    byte[] k = new byte[batch * m * n];
    byte[] v = new byte[batch * n * d];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) rnd.nextInt(17);
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) rnd.nextInt(256);
    }
    int[] acc = LogIntAttnMatMul.apply(k, v, batch, m, n, d, zv);
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < m; i++) {
        for (int t = 0; t < d; t++) {
          double ref = 0;
          for (int j = 0; j < n; j++) {
            ref +=
                LogIntSoftmax.dequant(k[(b * m + i) * n + j])
                    * ((v[(b * n + j) * d + t] & 0xFF) - zv)
                    * sv;
          }
          // products of powers of two and small integers: exact in double
          assertEquals(ref, acc[(b * m + i) * d + t] * (double) LogIntAttnMatMul.accScale(sv));
        }
      }
    }
  }
}
