package io.onnxq.calib.search;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The nuclear norm (sum of singular values) of a matrix, the weight of Liu et al.'s sensitivity.
 */
public final class NuclearNorm {
  private NuclearNorm() {}

  /** ||M||_* of {@code m} [rows, cols] starting at {@code off}. */
  public static double of(float[] m, int off, int rows, int cols) {
    DMatrixRMaj a = new DMatrixRMaj(rows, cols);
    for (int i = 0; i < rows * cols; i++) a.data[i] = m[off + i];
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(rows, cols, false, false, true);
    if (!svd.decompose(a)) throw new IllegalStateException("SVD did not converge");
    double sum = 0;
    for (double s : svd.getSingularValues()) sum += s;
    return sum;
  }
}
