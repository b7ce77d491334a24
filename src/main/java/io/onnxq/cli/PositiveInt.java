package io.onnxq.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli converters for counts: a batch size, a number of runs or samples of 0 or less has no
 * meaning, so it is refused at parse time with one line instead of failing (or being silently
 * reinterpreted) later.
 */
public final class PositiveInt implements ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    int v = parse(value);
    if (v < 1) {
      throw new TypeConversionException("must be at least 1, got " + v);
    }
    return v;
  }

  /** The same for counts where 0 is meaningful (e.g. warm-up runs, "0 = all", "0 = default"). */
  public static final class NonNegative implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int v = parse(value);
      if (v < 0) {
        throw new TypeConversionException("must be 0 or more, got " + v);
      }
      return v;
    }
  }

  static int parse(String value) {
    String s = value.strip();
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not "
              + (s.matches("[+-]?\\d+") ? "a number in range" : "an integer"));
    }
  }
}
