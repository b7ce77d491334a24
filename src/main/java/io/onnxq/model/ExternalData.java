package io.onnxq.model;

import com.google.protobuf.UnsafeByteOperations;
import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.FunctionProto;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.StringStringEntryProto;
import io.onnxq.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/**
 * External tensor data: every reference is resolved against the model's folder (real paths, no
 * links out of it), checked against the caps, and read into the tensor.
 */
final class ExternalData {
  private ExternalData() {}

  /** Largest external tensor read (bytes): just under 2 GiB, Java's array limit. */
  public static final long MAX_EXTERNAL_TENSOR_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Largest total of external data read for one model (bytes): 2 GiB, the protobuf limit of the
   * single in-memory model that ONNX Runtime and the writer are given.
   */
  public static final long MAX_EXTERNAL_TOTAL_BYTES = 2L << 30;

  /**
   * Resolves every external tensor of a parsed model and checks the caps before anything is read,
   * then returns the model with the data inlined.
   */
  static ModelProto inline(ModelProto proto, Path path) {
    Path dir = path.toAbsolutePath().getParent();
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
    return mapExternal(proto, t -> loadExternal(t, dir));
  }

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
    String name = Messages.quote(t.getName());
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
    String where = Messages.quote(location);
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
      throw new OnnxqException(
          "cannot resolve the model folder " + dir + ": " + Messages.oneLine(e));
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
          "cannot resolve external data " + where + " of " + name + ": " + Messages.oneLine(e));
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
          "cannot read external data " + where + " of " + name + ": " + Messages.oneLine(e));
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
        throw new OnnxqException(
            "tensor " + Messages.quote(t.getName()) + " has a negative dimension " + d);
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
            + Messages.quote(text)
            + " (want a non-negative integer)");
  }

  /**
   * Reads one external tensor; a location outside the model's folder is refused (path traversal).
   */
  static TensorProto loadExternal(TensorProto t, Path dir) {
    Extent x = resolveExternal(t, dir);
    String name = Messages.quote(t.getName());
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
                  + Messages.quote(x.file().getFileName().toString()));
        }
      }
    } catch (IOException e) {
      throw new OnnxqException("cannot read external data of " + name + ": " + Messages.oneLine(e));
    }
    return t.toBuilder()
        .clearExternalData()
        .clearDataLocation()
        .setRawData(UnsafeByteOperations.unsafeWrap(data))
        .build();
  }

  /** The files a parsed model's external tensors name, resolved against the model's folder. */
  static java.util.List<Path> files(ModelProto proto, Path model) {
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
