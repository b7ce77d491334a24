package io.onnxq.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.ModelProto;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session over an in-memory model. Deployment runs the fully optimized graph, so
 * that is the default: accuracy is always judged on what ORT actually executes.
 */
public final class OrtModel implements AutoCloseable {
  private final OrtSession session;
  private final String inputName;
  private final long[] inputShape;

  public OrtModel(ModelProto model, OrtSession.SessionOptions.OptLevel level, int threads) {
    this(model, level, threads, false);
  }

  /**
   * {@code quiet}: ORT logs only fatal errors, for runs that are expected to fail (batch probes).
   */
  OrtModel(ModelProto model, OrtSession.SessionOptions.OptLevel level, int threads, boolean quiet) {
    this(model, level, threads, quiet, true, null);
  }

  private OrtModel(
      ModelProto model,
      OrtSession.SessionOptions.OptLevel level,
      int threads,
      boolean quiet,
      boolean spin,
      Path profilePrefix) {
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
        opts.setOptimizationLevel(level);
        if (threads > 0) opts.setIntraOpNumThreads(threads);
        if (quiet) opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        if (!spin) opts.addConfigEntry("session.intra_op.allow_spinning", "0");
        if (profilePrefix != null) opts.enableProfiling(profilePrefix.toString());
        this.session = env.createSession(model.toByteArray(), opts);
      }
      Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
      this.inputName = in.getKey();
      this.inputShape = ((TensorInfo) in.getValue().getInfo()).getShape();
    } catch (OrtException e) {
      throw new OnnxqException(
          "ONNX Runtime cannot load the model: " + firstLine(e.getMessage()), e);
    }
  }

  public OrtModel(ModelProto model) {
    this(model, OrtSession.SessionOptions.OptLevel.ALL_OPT, 0);
  }

  /**
   * A fully optimized session for timing next to other sessions. Its intra-op threads block instead
   * of spinning when idle: spinning threads of the sessions that just ran would take the cores of
   * the one running (on 2 shared cores that doubled a batch-8 latency), so each model's time would
   * depend on its neighbours. With {@code profilePrefix} non-null ORT's profiler records every run
   * until {@link #endProfiling} writes the trace to {@code profilePrefix} + a timestamp + .json.
   */
  public static OrtModel forBench(ModelProto model, int threads, Path profilePrefix) {
    return new OrtModel(
        model, OrtSession.SessionOptions.OptLevel.ALL_OPT, threads, false, false, profilePrefix);
  }

  /** Writes the profiling trace (see {@link #forBench}) and returns its path. */
  public Path endProfiling() {
    try {
      return Path.of(session.endProfiling());
    } catch (OrtException e) {
      throw new OnnxqException(
          "ONNX Runtime cannot write its profile: " + firstLine(e.getMessage()), e);
    }
  }

  public String inputName() {
    return inputName;
  }

  /** Input shape with -1 for symbolic dimensions. */
  public long[] inputShape() {
    return inputShape.clone();
  }

  public Set<String> outputNames() {
    try {
      return session.getOutputNames();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks that samples of {@code sampleShape} fit the model input (batch axis excluded) and
   * explains the mismatch in one line otherwise.
   */
  public void checkSampleShape(int[] sampleShape, String what) {
    boolean ok = inputShape.length == sampleShape.length + 1;
    for (int i = 0; ok && i < sampleShape.length; i++) {
      long d = inputShape[i + 1];
      ok = d < 0 || d == sampleShape[i];
    }
    if (!ok) {
      throw new OnnxqException(
          what
              + " samples have shape "
              + java.util.Arrays.toString(sampleShape)
              + " but model input '"
              + inputName
              + "' expects "
              + java.util.Arrays.toString(inputShape)
              + " (batch axis first)");
    }
  }

  /**
   * Runs one batch and returns the requested outputs, each as a flat float array with its shape.
   */
  public Map<String, Output> run(float[] batch, int[] sampleShape, int n, List<String> outputs) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = n;
    for (int i = 0; i < sampleShape.length; i++) shape[i + 1] = sampleShape[i];
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(batch, 0, (int) numel(shape)), shape);
        OrtSession.Result r =
            session.run(Map.of(inputName, input), new java.util.LinkedHashSet<>(outputs))) {
      Map<String, Output> out = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxValue> e : r) {
        out.put(e.getKey(), Output.of((OnnxTensor) e.getValue()));
      }
      return out;
    } catch (OrtException e) {
      throw new OnnxqException(
          "ONNX Runtime failed to run the model: " + firstLine(e.getMessage()), e);
    }
  }

  private static long numel(long[] s) {
    long n = 1;
    for (long d : s) n *= d;
    return n;
  }

  static String firstLine(String s) {
    if (s == null) return "unknown error";
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // closing a session only fails if it is already closed
    }
  }

  /** A fetched tensor: float values for float outputs, raw integer values otherwise. */
  public record Output(long[] shape, float[] floats, long[] ints) {
    static Output of(OnnxTensor t) {
      long[] shape = t.getInfo().getShape();
      switch (t.getInfo().type) {
        case FLOAT -> {
          FloatBuffer fb = t.getFloatBuffer();
          float[] f = new float[fb.remaining()];
          fb.get(f);
          return new Output(shape, f, null);
        }
        case UINT8, INT8 -> {
          var bb = t.getByteBuffer();
          long[] v = new long[bb.remaining()];
          boolean unsigned = t.getInfo().type == ai.onnxruntime.OnnxJavaType.UINT8;
          for (int i = 0; i < v.length; i++) v[i] = unsigned ? (bb.get(i) & 0xff) : bb.get(i);
          return new Output(shape, null, v);
        }
        case INT16 -> {
          // ORT Java has no UINT16 type: uint16 tensors arrive as INT16, told apart by onnxType
          var sb = t.getShortBuffer();
          long[] v = new long[sb.remaining()];
          boolean unsigned =
              t.getInfo().onnxType
                  == ai.onnxruntime.TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16;
          for (int i = 0; i < v.length; i++) v[i] = unsigned ? (sb.get(i) & 0xffff) : sb.get(i);
          return new Output(shape, null, v);
        }
        case INT32 -> {
          var ib = t.getIntBuffer();
          long[] v = new long[ib.remaining()];
          for (int i = 0; i < v.length; i++) v[i] = ib.get(i);
          return new Output(shape, null, v);
        }
        case INT64 -> {
          var lb = t.getLongBuffer();
          long[] v = new long[lb.remaining()];
          lb.get(v);
          return new Output(shape, null, v);
        }
        default -> throw new OnnxqException("unsupported output type " + t.getInfo().type);
      }
    }

    /** Size of the last axis (the channel axis for token-major activations). */
    public int lastDim() {
      return shape.length == 0 ? 1 : (int) shape[shape.length - 1];
    }

    public int count() {
      return floats != null ? floats.length : ints.length;
    }
  }
}
