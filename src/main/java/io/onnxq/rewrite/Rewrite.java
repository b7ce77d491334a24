package io.onnxq.rewrite;

/** One pattern -> replacement rule applied to the graph after calibration. */
public interface Rewrite {
  String name();

  void apply(RewriteContext ctx);
}
