package io.onnxq.calib;

import io.onnxq.OnnxqException;
import io.onnxq.calib.observe.Observer;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.calib.observe.PtfObserver;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.PtfParams;
import io.onnxq.quant.QuantParams;
import java.util.Map;

/** The observers after calibration, keyed by tensor name. */
public final class CalibrationStats {
  private final ObserverKind kind;
  private final Map<String, Observer> observers;
  private final Map<String, long[]> shapes;

  CalibrationStats(ObserverKind kind, Map<String, Observer> observers, Map<String, long[]> shapes) {
    this.kind = kind;
    this.observers = observers;
    this.shapes = shapes;
  }

  /** The tensor's shape in the first calibration batch. */
  public long[] shape(String tensor) {
    return shapes.get(tensor).clone();
  }

  public ObserverKind kind() {
    return kind;
  }

  public QuantParams params(String tensor, IntRange range) {
    return observer(tensor).params(range);
  }

  public PtfParams ptf(String tensor, IntRange range) {
    if (!(observer(tensor) instanceof PtfObserver p)) {
      throw new IllegalStateException("tensor " + tensor + " was not calibrated per channel");
    }
    return p.ptfParams(range);
  }

  private Observer observer(String tensor) {
    Observer o = observers.get(tensor);
    if (o == null) throw new OnnxqException("no calibration statistics for tensor " + tensor);
    return o;
  }
}
