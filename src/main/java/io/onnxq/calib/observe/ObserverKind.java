package io.onnxq.calib.observe;

import io.onnxq.OnnxqException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Calibration methods selectable from the CLI ({@code --method}). */
public enum ObserverKind {
  MINMAX("minmax"),
  EMA("ema"),
  PERCENTILE("percentile"),
  OMSE("omse");

  private final String cliName;

  ObserverKind(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** A fresh observer with default settings. */
  public Observer create() {
    return switch (this) {
      case MINMAX -> new MinMaxObserver();
      case EMA -> new EmaObserver();
      case PERCENTILE -> new PercentileObserver();
      case OMSE -> new OmseObserver();
    };
  }

  /** Case-insensitive parse of a CLI name. */
  public static ObserverKind parse(String name) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (ObserverKind k : values()) {
      if (k.cliName.equals(key)) {
        return k;
      }
    }
    throw new OnnxqException(
        "unknown calibration method '" + name + "'; valid methods: " + validNames());
  }

  public static String validNames() {
    return Arrays.stream(values()).map(ObserverKind::cliName).collect(Collectors.joining(", "));
  }
}
