package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NuclearNormTest {
  @Test
  void sumOfSingularValues() {
    // diag(3, -2) padded to 3x2: singular values 3 and 2
    float[] m = {3, 0, 0, -2, 0, 0};
    assertEquals(5.0, NuclearNorm.of(m, 0, 3, 2), 1e-9);
    // rank one u v^T with |u| = 5 (3, 4), |v| = 1: one singular value 5
    float[] r = {3, 0, 4, 0};
    assertEquals(5.0, NuclearNorm.of(r, 0, 2, 2), 1e-9);
    // offset into a larger array
    float[] both = new float[10];
    System.arraycopy(r, 0, both, 6, 4);
    assertEquals(5.0, NuclearNorm.of(both, 6, 2, 2), 1e-9);
  }
}
