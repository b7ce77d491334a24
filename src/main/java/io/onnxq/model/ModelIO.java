package io.onnxq.model;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.FunctionProto;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.OperatorSetIdProto;
import io.onnxq.proto.Onnx.StringStringEntryProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/** Reads and writes ONNX files; external tensor data is pulled in on read, outputs are atomic. */
public final class ModelIO {
  private ModelIO() {}

  /** Largest external tensor read (bytes): just under 2 GiB, Java's array limit. */
  public static final long MAX_EXTERNAL_TENSOR_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Largest total of external data read for one model (bytes): 2 GiB, the protobuf limit of the
   * single in-memory model that ONNX Runtime and the writer are given.
   */
  public static final long MAX_EXTERNAL_TOTAL_BYTES = 2L << 30;

  /**
   * Reads and validates a model for inspect/convert: IR version 7 or newer, default-domain opset 13
   * or newer, every node input must resolve, and the graph must be acyclic.
   */
  public static OnnxModel read(Path path) {
    ModelProto proto = readProto(path);
    if (proto.getIrVersion() < OnnxModel.MIN_INPUT_IR_VERSION) {
      throw new OnnxqException(
          "model IR version "
              + proto.getIrVersion()
              + " is older than "
              + OnnxModel.MIN_INPUT_IR_VERSION
              + " (ONNX 1.6); re-export it at opset 13 or newer: "
              + path);
    }
    OnnxModel m = new OnnxModel(proto);
    long opset = m.opset();
    if (opset < 0) throw new OnnxqException("model imports no ai.onnx opset: " + path);
    if (opset < OnnxModel.MIN_INPUT_OPSET) {
      throw new OnnxqException(
          "model opset "
              + opset
              + " is older than "
              + OnnxModel.MIN_INPUT_OPSET
              + "; re-export it at opset "
              + OnnxModel.MIN_INPUT_OPSET
              + " or newer: "
              + path);
    }
    m.graph().topologicalOrder();
    return m;
  }

  /**
   * Parses a model, refuses invalid UTF-8 in its names, pulls in its external data (checked, see
   * {@link #MAX_EXTERNAL_TENSOR_BYTES}) and refuses NaN/Inf weights.
   */
  public static ModelProto readProto(Path path) {
    if (!Files.isRegularFile(path)) throw new OnnxqException("model not found: " + path);
    ModelProto proto;
    try {
      proto = parse(path);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxqException("not a valid ONNX file (truncated or not protobuf): " + path);
    } catch (IOException e) {
      throw new OnnxqException("cannot read model " + path + ": " + e.getMessage(), e);
    }
    if (!proto.hasGraph() || proto.getIrVersion() <= 0 || proto.getGraph().getNodeCount() == 0) {
      throw new OnnxqException("not an ONNX model (no ir_version or empty graph): " + path);
    }
    checkUtf8(proto, path);
    Path dir = path.toAbsolutePath().getParent();
    // Pass 1 resolves and checks every external tensor and the total size before anything is read.
    long[] total = {0};
    mapExternal(
        proto,
        t -> {
          total[0] += resolveExternal(t, dir).length();
          if (total[0] > MAX_EXTERNAL_TOTAL_BYTES) {
            throw new OnnxqException(
                "external data of "
                    + path.getFileName()
                    + " exceeds the "
                    + MAX_EXTERNAL_TOTAL_BYTES
                    + "-byte total cap (2 GiB)");
          }
          return t;
        });
    ModelProto inlined = mapExternal(proto, t -> loadExternal(t, dir));
    checkFinite(inlined.getGraph());
    return inlined;
  }

  private static ModelProto parse(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      CodedInputStream cis = CodedInputStream.newInstance(in);
      cis.setSizeLimit(Integer.MAX_VALUE);
      cis.setRecursionLimit(256);
      return ModelProto.parseFrom(cis);
    }
  }

  // ---- external data ----

  /**
   * Applies {@code f} to every external tensor: initializers, tensor attributes, subgraphs,
   * functions.
   */
  private static ModelProto mapExternal(ModelProto m, UnaryOperator<TensorProto> f) {
    GraphProto g = mapGraph(m.getGraph(), f);
    ModelProto.Builder b = null;
    for (int i = 0; i < m.getFunctionsCount(); i++) {
      FunctionProto fn = m.getFunctions(i);
      FunctionProto.Builder fb = null;
      for (int j = 0; j < fn.getNodeCount(); j++) {
        NodeProto n = mapNode(fn.getNode(j), f);
        if (n == fn.getNode(j)) continue;
        if (fb == null) fb = fn.toBuilder();
        fb.setNode(j, n);
      }
      if (fb == null) continue;
      if (b == null) b = m.toBuilder();
      b.setFunctions(i, fb);
    }
    if (g == m.getGraph() && b == null) return m;
    if (b == null) b = m.toBuilder();
    return b.setGraph(g).build();
  }

  private static GraphProto mapGraph(GraphProto g, UnaryOperator<TensorProto> f) {
    GraphProto.Builder b = null;
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) continue;
      TensorProto r = f.apply(t);
      if (r == t) continue;
      if (b == null) b = g.toBuilder();
      b.setInitializer(i, r);
    }
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = mapNode(g.getNode(i), f);
      if (n == g.getNode(i)) continue;
      if (b == null) b = g.toBuilder();
      b.setNode(i, n);
    }
    return b == null ? g : b.build();
  }

  private static NodeProto mapNode(NodeProto n, UnaryOperator<TensorProto> f) {
    NodeProto.Builder b = null;
    for (int i = 0; i < n.getAttributeCount(); i++) {
      AttributeProto a = n.getAttribute(i);
      AttributeProto r = mapAttribute(a, f);
      if (r == a) continue;
      if (b == null) b = n.toBuilder();
      b.setAttribute(i, r);
    }
    return b == null ? n : b.build();
  }

  private static AttributeProto mapAttribute(AttributeProto a, UnaryOperator<TensorProto> f) {
    AttributeProto.Builder b = null;
    if (a.hasT() && a.getT().getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      TensorProto r = f.apply(a.getT());
      if (r != a.getT()) b = a.toBuilder().setT(r);
    }
    for (int i = 0; i < a.getTensorsCount(); i++) {
      TensorProto t = a.getTensors(i);
      if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) continue;
      TensorProto r = f.apply(t);
      if (r == t) continue;
      if (b == null) b = a.toBuilder();
      b.setTensors(i, r);
    }
    if (a.hasG()) {
      GraphProto r = mapGraph(a.getG(), f);
      if (r != a.getG()) {
        if (b == null) b = a.toBuilder();
        b.setG(r);
      }
    }
    for (int i = 0; i < a.getGraphsCount(); i++) {
      GraphProto r = mapGraph(a.getGraphs(i), f);
      if (r == a.getGraphs(i)) continue;
      if (b == null) b = a.toBuilder();
      b.setGraphs(i, r);
    }
    return b == null ? a : b.build();
  }

  /** Where one external tensor's bytes are: a regular file inside the model folder (real paths). */
  private record Extent(Path file, long offset, long length) {}

  private static Extent resolveExternal(TensorProto t, Path dir) {
    String name = quote(t.getName());
    String location = null;
    String offsetText = null;
    String lengthText = null;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offsetText = e.getValue();
        case "length" -> lengthText = e.getValue();
        default -> {}
      }
    }
    if (location == null || location.isEmpty()) {
      throw new OnnxqException("tensor " + name + " is external but has no location");
    }
    long offset = nonNegative(name, "offset", offsetText, 0);
    long length = nonNegative(name, "length", lengthText, -1);
    String where = quote(location);
    Path rel;
    try {
      if (location.indexOf('\0') >= 0) throw new InvalidPathException(location, "NUL character");
      rel = Path.of(location);
    } catch (InvalidPathException e) {
      throw new OnnxqException(
          "tensor " + name + " has an invalid external data location " + where);
    }
    Path base;
    try {
      base = dir.toRealPath();
    } catch (IOException e) {
      throw new OnnxqException("cannot resolve the model folder " + dir + ": " + oneLine(e));
    }
    Path file = base.resolve(rel).normalize();
    if (rel.isAbsolute() || rel.getRoot() != null || !file.startsWith(base)) {
      throw new OnnxqException("tensor " + name + " points outside the model folder: " + where);
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new OnnxqException("external data file not found for " + name + ": " + where);
    } catch (IOException e) {
      throw new OnnxqException(
          "cannot resolve external data " + where + " of " + name + ": " + oneLine(e));
    }
    if (!real.startsWith(base)) {
      throw new OnnxqException(
          "tensor " + name + " points outside the model folder (through a link): " + where);
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new OnnxqException("external data for " + name + " is not a regular file: " + where);
    }
    long size;
    try {
      size = Files.size(real);
    } catch (IOException e) {
      throw new OnnxqException(
          "cannot read external data " + where + " of " + name + ": " + oneLine(e));
    }
    if (offset > size || (length >= 0 && length > size - offset)) {
      throw new OnnxqException(
          "external data for "
              + name
              + " is truncated: "
              + where
              + " has "
              + size
              + " bytes, the tensor needs offset "
              + offset
              + (length >= 0 ? " + length " + length : ""));
    }
    if (length < 0) length = size - offset;
    if (length > MAX_EXTERNAL_TENSOR_BYTES) {
      throw new OnnxqException(
          "external data for "
              + name
              + " is "
              + length
              + " bytes, over the "
              + MAX_EXTERNAL_TENSOR_BYTES
              + "-byte per-tensor cap (2 GiB)");
    }
    long expected = expectedBytes(t);
    if (expected >= 0 && expected != length) {
      throw new OnnxqException(
          "external data for "
              + name
              + " has "
              + length
              + " bytes but its type and shape need "
              + expected);
    }
    return new Extent(real, offset, length);
  }

  /**
   * Bytes a fixed-size tensor needs from its type and dims; -1 when unknown (packed or variable
   * types).
   */
  private static long expectedBytes(TensorProto t) {
    TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
    if (type == null) return -1;
    int elem =
        switch (type) {
          case FLOAT, INT32, UINT32 -> 4;
          case DOUBLE, INT64, UINT64, COMPLEX64 -> 8;
          case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
          case INT8, UINT8, BOOL -> 1;
          default -> -1;
        };
    if (elem < 0) return -1;
    long n = elem;
    for (long d : t.getDimsList()) {
      if (d < 0)
        throw new OnnxqException("tensor " + quote(t.getName()) + " has a negative dimension " + d);
      if (d != 0 && n > Long.MAX_VALUE / d) return Long.MAX_VALUE;
      n *= d;
    }
    return n;
  }

  private static long nonNegative(String tensor, String key, String text, long absent) {
    if (text == null) return absent;
    try {
      long v = Long.parseLong(text.trim());
      if (v >= 0) return v;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new OnnxqException(
        "external data for "
            + tensor
            + " has an invalid "
            + key
            + " "
            + quote(text)
            + " (want a non-negative integer)");
  }

  /**
   * Reads one external tensor; a location outside the model's folder is refused (path traversal).
   */
  static TensorProto loadExternal(TensorProto t, Path dir) {
    Extent x = resolveExternal(t, dir);
    String name = quote(t.getName());
    byte[] data = new byte[Math.toIntExact(x.length())];
    try (FileChannel ch =
        FileChannel.open(x.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      ch.position(x.offset());
      while (buf.hasRemaining()) {
        if (ch.read(buf) < 0) {
          throw new OnnxqException(
              "external data for "
                  + name
                  + " is truncated: "
                  + quote(x.file().getFileName().toString()));
        }
      }
    } catch (IOException e) {
      throw new OnnxqException("cannot read external data of " + name + ": " + oneLine(e));
    }
    return t.toBuilder()
        .clearExternalData()
        .clearDataLocation()
        .setRawData(UnsafeByteOperations.unsafeWrap(data))
        .build();
  }

  // ---- names ----

  /**
   * Refuses invalid UTF-8 in the names onnxq copies into its output (the ONNX checker rejects
   * them).
   */
  private static void checkUtf8(ModelProto m, Path path) {
    String file = " of " + path.getFileName();
    utf8(m.getProducerNameBytes(), "producer name" + file);
    utf8(m.getDomainBytes(), "model domain" + file);
    for (OperatorSetIdProto o : m.getOpsetImportList())
      utf8(o.getDomainBytes(), "an opset import domain" + file);
    for (StringStringEntryProto e : m.getMetadataPropsList()) {
      utf8(e.getKeyBytes(), "a metadata key" + file);
      utf8(e.getValueBytes(), "a metadata value" + file);
    }
    checkUtf8(m.getGraph(), "graph" + file);
    for (int i = 0; i < m.getFunctionsCount(); i++) {
      FunctionProto f = m.getFunctions(i);
      String where = "function #" + i + file;
      utf8(f.getNameBytes(), "the name of " + where);
      utf8(f.getDomainBytes(), "the domain of " + where);
      utf8(f.getInputList().asByteStringList(), "an input name of " + where);
      utf8(f.getOutputList().asByteStringList(), "an output name of " + where);
      utf8(f.getAttributeList().asByteStringList(), "an attribute name of " + where);
      for (OperatorSetIdProto o : f.getOpsetImportList())
        utf8(o.getDomainBytes(), "an opset import domain of " + where);
      for (int j = 0; j < f.getNodeCount(); j++)
        checkUtf8(f.getNode(j), "node #" + j + " of " + where);
    }
  }

  private static void checkUtf8(GraphProto g, String where) {
    utf8(g.getNameBytes(), "the name of the " + where);
    for (ValueInfoProto v : g.getInputList())
      utf8(v.getNameBytes(), "an input name of the " + where);
    for (ValueInfoProto v : g.getOutputList())
      utf8(v.getNameBytes(), "an output name of the " + where);
    for (ValueInfoProto v : g.getValueInfoList())
      utf8(v.getNameBytes(), "a value_info name of the " + where);
    for (int i = 0; i < g.getInitializerCount(); i++) {
      checkUtf8(g.getInitializer(i), "initializer #" + i + " of the " + where);
    }
    for (int i = 0; i < g.getNodeCount(); i++)
      checkUtf8(g.getNode(i), "node #" + i + " of the " + where);
  }

  private static void checkUtf8(TensorProto t, String where) {
    utf8(t.getNameBytes(), "the name of " + where);
    for (StringStringEntryProto e : t.getExternalDataList()) {
      utf8(e.getKeyBytes(), "the external data of " + where);
      utf8(e.getValueBytes(), "the external data of " + where);
    }
  }

  private static void checkUtf8(NodeProto n, String where) {
    utf8(n.getNameBytes(), "the name of " + where);
    String at =
        n.getNameBytes().isValidUtf8() && !n.getName().isEmpty()
            ? where + " (" + quote(n.getName()) + ")"
            : where;
    utf8(n.getOpTypeBytes(), "the op type of " + at);
    utf8(n.getDomainBytes(), "the domain of " + at);
    utf8(n.getInputList().asByteStringList(), "an input name of " + at);
    utf8(n.getOutputList().asByteStringList(), "an output name of " + at);
    for (AttributeProto a : n.getAttributeList()) {
      utf8(a.getNameBytes(), "an attribute name of " + at);
      utf8(a.getRefAttrNameBytes(), "an attribute reference of " + at);
      if (a.hasT()) checkUtf8(a.getT(), "a tensor attribute of " + at);
      for (TensorProto t : a.getTensorsList()) checkUtf8(t, "a tensor attribute of " + at);
      if (a.hasG()) checkUtf8(a.getG(), "subgraph of " + at);
      for (GraphProto g : a.getGraphsList()) checkUtf8(g, "subgraph of " + at);
    }
  }

  private static void utf8(ByteString b, String what) {
    if (!b.isValidUtf8()) throw new OnnxqException("model has invalid UTF-8 in " + what);
  }

  private static void utf8(java.util.List<ByteString> list, String what) {
    for (ByteString b : list) utf8(b, what);
  }

  // ---- weights ----

  /**
   * Refuses NaN/Inf in the main graph's float initializers and Constant tensors (one pass each).
   */
  private static void checkFinite(GraphProto g) {
    for (TensorProto t : g.getInitializerList()) checkFinite(t);
    for (NodeProto n : g.getNodeList()) {
      if (!n.getOpType().equals("Constant")
          || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))) continue;
      for (AttributeProto a : n.getAttributeList()) {
        if (!a.hasT()) continue;
        TensorProto t = a.getT();
        checkFinite(
            t.getName().isEmpty() && n.getOutputCount() > 0
                ? t.toBuilder().setName(n.getOutput(0)).build()
                : t);
      }
    }
  }

  private static void checkFinite(TensorProto t) {
    TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
    if (type == null) return;
    boolean raw = t.hasRawData();
    switch (type) {
      case FLOAT -> {
        if (raw) {
          FloatBuffer b =
              t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
          for (int i = 0, n = b.limit(); i < n; i++) finite(t, b.get(i), i);
        } else {
          for (int i = 0, n = t.getFloatDataCount(); i < n; i++) finite(t, t.getFloatData(i), i);
        }
      }
      case DOUBLE -> {
        if (raw) {
          DoubleBuffer b =
              t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
          for (int i = 0, n = b.limit(); i < n; i++) finite(t, b.get(i), i);
        } else {
          for (int i = 0, n = t.getDoubleDataCount(); i < n; i++) finite(t, t.getDoubleData(i), i);
        }
      }
      case FLOAT16, BFLOAT16 -> {
        int exp = type == TensorProto.DataType.FLOAT16 ? 0x7c00 : 0x7f80;
        int man = type == TensorProto.DataType.FLOAT16 ? 0x03ff : 0x007f;
        if (raw) {
          ShortBuffer b =
              t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
          for (int i = 0, n = b.limit(); i < n; i++) finiteHalf(t, b.get(i), exp, man, i);
        } else {
          for (int i = 0, n = t.getInt32DataCount(); i < n; i++)
            finiteHalf(t, t.getInt32Data(i), exp, man, i);
        }
      }
      default -> {}
    }
  }

  private static void finite(TensorProto t, double v, int i) {
    if (Double.isNaN(v)) throw notFinite(t, "NaN", i);
    if (Double.isInfinite(v)) throw notFinite(t, v > 0 ? "+Inf" : "-Inf", i);
  }

  private static void finiteHalf(TensorProto t, int bits, int exp, int man, int i) {
    if ((bits & exp) != exp) return;
    throw notFinite(t, (bits & man) != 0 ? "NaN" : (bits & 0x8000) != 0 ? "-Inf" : "+Inf", i);
  }

  private static OnnxqException notFinite(TensorProto t, String what, int i) {
    return new OnnxqException(
        "model weight "
            + quote(t.getName())
            + " contains "
            + what
            + " at index "
            + i
            + "; fix or re-export the model");
  }

  // ---- messages ----

  /** A name for a one-line message: quoted, control characters escaped, at most 120 characters. */
  private static String quote(String s) {
    StringBuilder b = new StringBuilder("'");
    int i = 0;
    for (; i < s.length() && b.length() <= 120; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029)
        b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    if (i < s.length()) b.append("...");
    return b.append('\'').toString();
  }

  private static String oneLine(IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("[\\r\\n\\u2028\\u2029\\u0085]+", " ");
  }

  /** Writes a model atomically (see {@link #writeAtomically}). */
  public static void write(ModelProto model, Path out) {
    writeAtomically(out, model::writeTo);
  }

  /** Something that writes a file's whole content to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream os) throws IOException;
  }

  /**
   * Writes one file as a one-output {@link OutputFiles} transaction: the content goes to a
   * temporary file beside the target (created with the usual 0666 &amp; ~umask permissions) that is
   * renamed into place once complete, so a failure never leaves a partial file behind. The folder
   * must exist.
   */
  public static void writeAtomically(Path out, Content content) {
    try (OutputFiles files = new OutputFiles()) {
      files.output(out, "output");
      files.write(out, content);
      files.commit();
    }
  }

  /**
   * The external-data files a model file refers to (resolved against its folder), so that outputs
   * can be checked against them; empty when the model cannot be parsed (reading it reports that).
   */
  public static java.util.List<Path> externalDataFiles(Path model) {
    if (!Files.isRegularFile(model)) return java.util.List.of();
    ModelProto proto;
    try {
      proto = parse(model);
    } catch (IOException e) {
      return java.util.List.of();
    }
    Path dir = model.toAbsolutePath().getParent();
    java.util.Set<Path> files = new java.util.LinkedHashSet<>();
    // Every external tensor reading would load: initializers, Constant values, subgraphs,
    // functions.
    mapExternal(
        proto,
        t -> {
          for (StringStringEntryProto e : t.getExternalDataList()) {
            if (!e.getKey().equals("location")) continue;
            try {
              files.add(dir.resolve(e.getValue()).normalize());
            } catch (InvalidPathException ignored) {
              // reading the model refuses it
            }
          }
          return t;
        });
    return java.util.List.copyOf(files);
  }
}
