package io.onnxq.quant;

/**
 * GELU and the two approximations exporters write, in double with {@link StrictMath} so that every
 * JVM computes the same values. Java has no erf: it is summed from its Taylor series below 3.5 (the
 * largest term stays below 1e5, so rounding costs at most about 1e-11) and from the asymptotic
 * series of erfc up to 6 (truncated at its smallest term: about 7e-6 of an erfc that is itself
 * below 7.5e-7); from 6 on erfc is below half an ulp of 1. All errors are far below what rounding
 * to an 8-bit grid can see.
 */
public final class Gelu {
  private static final double TWO_OVER_SQRT_PI = 2 / StrictMath.sqrt(Math.PI);
  private static final double TAYLOR_LIMIT = 3.5;
  private static final double ERF_IS_ONE = 6;

  /**
   * GELU is flat below this input (|GELU(x)| < 1.4e-4 for x < -4, far below any 8-bit output step),
   * so an input grid for it need not reach further down: its levels go where GELU bends.
   */
  public static final float FLAT_BELOW = -4f;

  /** The function a GELU in a model computes. */
  public enum Form {
    /** {@code x/2 (1 + erf(x / sqrt 2))}: the definition. */
    ERF,
    /** {@code x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}: the tanh approximation. */
    TANH,
    /** {@code x * sigmoid(1.702 x)}: the sigmoid approximation. */
    SIGMOID;

    public double apply(double x) {
      return switch (this) {
        case ERF -> of(x);
        case TANH -> tanhForm(x);
        case SIGMOID -> sigmoidForm(x);
      };
    }
  }

  private Gelu() {}

  public static double of(double x) {
    return 0.5 * x * (1 + erf(x / StrictMath.sqrt(2)));
  }

  public static double tanhForm(double x) {
    return 0.5
        * x
        * (1 + StrictMath.tanh(StrictMath.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  public static double sigmoidForm(double x) {
    return x / (1 + StrictMath.exp(-1.702 * x));
  }

  public static double erf(double u) {
    if (Double.isNaN(u)) return u;
    double a = Math.abs(u);
    double r = a < TAYLOR_LIMIT ? taylor(a) : a < ERF_IS_ONE ? 1 - erfcAsymptotic(a) : 1;
    return Math.copySign(r, u);
  }

  /** erf(a) = 2/sqrt(pi) sum (-1)^n a^(2n+1) / (n! (2n+1)). */
  private static double taylor(double a) {
    double term = a; // (-1)^n a^(2n+1) / n!
    double sum = a;
    double a2 = a * a;
    for (int n = 1; n < 200; n++) {
      term *= -a2 / n;
      double add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }

  /**
   * erfc(a) ~ e^(-a^2) / (a sqrt pi) sum (-1)^n (2n-1)!! / (2a^2)^n, stopped at its smallest term.
   */
  private static double erfcAsymptotic(double a) {
    double x = 1 / (2 * a * a);
    double term = 1;
    double sum = 1;
    for (int n = 1; n < 60; n++) {
      double next = -term * (2 * n - 1) * x;
      if (Math.abs(next) >= Math.abs(term)) break;
      term = next;
      sum += term;
    }
    return StrictMath.exp(-a * a) / (a * StrictMath.sqrt(Math.PI)) * sum;
  }
}
