package io.onnxq.calib;

import io.onnxq.OnnxqException;
import io.onnxq.calib.observe.Observer;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.calib.observe.PtfObserver;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams calibration batches through ORT and feeds every tapped tensor to its observer. Only the
 * current batch's activations are alive at any time, so memory is the model plus one batch of taps
 * plus the observers' bounded state.
 */
public final class Calibrator {
  private final ObserverKind kind;
  private final int batchSize;
  private final Progress progress;

  public Calibrator(ObserverKind kind, int batchSize, Progress progress) {
    this.kind = kind;
    this.batchSize = batchSize;
    this.progress = progress;
  }

  /**
   * Largest activation magnitude accepted, sqrt(Float.MAX_VALUE) ~ 1.8e19: beyond it float32
   * squares overflow, so LayerNorm variances and the observers' MSE searches are no longer finite.
   */
  public static final float MAX_ACTIVATION = (float) Math.sqrt(Float.MAX_VALUE);

  /**
   * Refuses an activation holding NaN, +Infinity or a value beyond +-{@link #MAX_ACTIVATION}. The
   * data itself is checked finite when it is loaded (see {@link Batches#checkFinite}), so these
   * mean the FP32 model overflows on it (e.g. inputs near 3e38), and ranges taken from such values
   * would quantize garbage. -Infinity and -Float.MAX_VALUE (torch.finfo(float32).min) are let
   * through: additive attention masks use them, and observers ignore non-finite values as
   * documented.
   */
  public static void checkFinite(String tensor, float[] values, Batches.Batch b) {
    for (float v : values) {
      if (Float.isNaN(v)
          || v > MAX_ACTIVATION
          || (v < -MAX_ACTIVATION && v != Float.NEGATIVE_INFINITY && v != -Float.MAX_VALUE)) {
        throw new OnnxqException(
            "activation '"
                + tensor
                + "' is "
                + v
                + " on calibration samples "
                + b.start()
                + ".."
                + (b.start() + b.count() - 1)
                + ", beyond the +-1.8e19 float32 can square: the data or the model overflows;"
                + " check the data's scale and preprocessing");
      }
    }
  }

  public CalibrationStats run(ModelProto fp32, List<Tap> taps, Dataset data) {
    Map<String, Observer> observers = new LinkedHashMap<>();
    for (Tap t : taps) {
      observers.putIfAbsent(t.tensor(), t.perChannel() ? new PtfObserver(kind) : kind.create());
    }
    List<String> names = new ArrayList<>(observers.keySet());
    Map<String, long[]> shapes = new LinkedHashMap<>();
    ModelProto tapped = TapInserter.withOutputs(fp32, names);
    try (OrtModel ort = new OrtModel(tapped)) {
      ort.checkSampleShape(data.sampleShape(), "calibration");
      Batches batches = new Batches(data, batchSize);
      int done = 0;
      for (Batches.Batch b : batches) {
        Map<String, OrtModel.Output> out = ort.run(b.data(), data.sampleShape(), b.count(), names);
        for (Map.Entry<String, OrtModel.Output> e : out.entrySet()) {
          OrtModel.Output o = e.getValue();
          checkFinite(e.getKey(), o.floats(), b);
          shapes.putIfAbsent(e.getKey(), o.shape());
          int channels = o.lastDim();
          observers.get(e.getKey()).update(o.floats(), o.floats().length / channels, channels);
        }
        done += b.count();
        progress.step("calibrating (" + kind.cliName() + ")", done, data.size());
      }
    }
    return new CalibrationStats(kind, observers, shapes);
  }
}
