package io.onnxq.model;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.StringStringEntryProto;
import io.onnxq.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Reads and writes ONNX files; external tensor data is pulled in on read, outputs are atomic. */
public final class ModelIO {
  private ModelIO() {}

  /** Reads and validates a model: every node input must resolve, and the graph must be acyclic. */
  public static OnnxModel read(Path path) {
    OnnxModel m = new OnnxModel(readProto(path));
    m.graph().topologicalOrder();
    return m;
  }

  public static ModelProto readProto(Path path) {
    if (!Files.isRegularFile(path)) throw new OnnxqException("model not found: " + path);
    ModelProto proto;
    try (InputStream in = Files.newInputStream(path)) {
      CodedInputStream cis = CodedInputStream.newInstance(in);
      cis.setSizeLimit(Integer.MAX_VALUE);
      cis.setRecursionLimit(256);
      proto = ModelProto.parseFrom(cis);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxqException("not a valid ONNX file (truncated or not protobuf): " + path);
    } catch (IOException e) {
      throw new OnnxqException("cannot read model " + path + ": " + e.getMessage(), e);
    }
    if (!proto.hasGraph() || proto.getIrVersion() <= 0 || proto.getGraph().getNodeCount() == 0) {
      throw new OnnxqException("not an ONNX model (no ir_version or empty graph): " + path);
    }
    Path dir = path.toAbsolutePath().getParent();
    return proto.toBuilder().setGraph(inlineExternalData(proto.getGraph(), dir)).build();
  }

  private static GraphProto inlineExternalData(GraphProto g, Path dir) {
    boolean any = g.getInitializerList().stream()
        .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
    if (!any) return g;
    GraphProto.Builder b = g.toBuilder();
    for (int i = 0; i < b.getInitializerCount(); i++) {
      TensorProto t = b.getInitializer(i);
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) b.setInitializer(i, loadExternal(t, dir));
    }
    return b.build();
  }

  /** Reads one external tensor; a location outside the model's folder is refused (path traversal). */
  static TensorProto loadExternal(TensorProto t, Path dir) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = Long.parseLong(e.getValue());
        case "length" -> length = Long.parseLong(e.getValue());
        default -> { }
      }
    }
    if (location == null) throw new OnnxqException("tensor '" + t.getName() + "' is external but has no location");
    Path base = dir.normalize();
    Path file = base.resolve(location).normalize();
    if (Path.of(location).isAbsolute() || !file.startsWith(base)) {
      throw new OnnxqException("tensor '" + t.getName() + "' points outside the model folder: " + location);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (length < 0) length = size - offset;
      if (offset < 0 || offset + length > size) {
        throw new OnnxqException("external data for '" + t.getName() + "' is truncated: " + location);
      }
      var buf = java.nio.ByteBuffer.allocate(Math.toIntExact(length));
      ch.position(offset);
      while (buf.hasRemaining() && ch.read(buf) > 0) { }
      buf.flip();
      return t.toBuilder().clearExternalData().clearDataLocation().setRawData(ByteString.copyFrom(buf)).build();
    } catch (NoSuchFileException e) {
      throw new OnnxqException("external data file not found for '" + t.getName() + "': " + location);
    } catch (IOException e) {
      throw new OnnxqException("cannot read external data " + location + ": " + e.getMessage(), e);
    }
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
   * Writes through a temporary file in the target folder and renames it into place, so a failure
   * never leaves a partial file behind.
   */
  public static void writeAtomically(Path out, Content content) {
    Path abs = out.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
      try (OutputStream os = Files.newOutputStream(tmp)) {
        content.writeTo(os);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new OnnxqException("cannot write " + out + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the rename already happened or the folder is gone
        }
      }
    }
  }
}
