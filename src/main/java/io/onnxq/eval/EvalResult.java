package io.onnxq.eval;

/** Accuracy numbers in percent; null where not measurable (no labels / no reference). */
public record EvalResult(
    int samples,
    Double top1,
    Double top5,
    Double agreement,
    Double meanCosine,
    Double maxAbsLogitDiff) {
  public String text() {
    StringBuilder sb = new StringBuilder();
    sb.append("samples ").append(samples);
    if (top1 != null)
      sb.append(String.format(java.util.Locale.ROOT, ", top-1 %.2f%%, top-5 %.2f%%", top1, top5));
    if (agreement != null) {
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              ", top-1 agreement with reference %.2f%%, mean logit cosine %.5f, max |logit diff| %.3g",
              agreement,
              meanCosine,
              maxAbsLogitDiff));
    }
    return sb.toString();
  }
}
