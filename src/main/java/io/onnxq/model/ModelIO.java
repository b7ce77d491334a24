package io.onnxq.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.ModelProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes ONNX files; external tensor data is pulled in on read, outputs are atomic. */
public final class ModelIO {
  private ModelIO() {}

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
   * {@link ExternalData#MAX_EXTERNAL_TENSOR_BYTES}) and refuses NaN/Inf weights.
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
    ModelSanity.checkUtf8(proto, path);
    ModelProto inlined = ExternalData.inline(proto, path);
    ModelSanity.checkFinite(inlined.getGraph());
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
    try {
      return ExternalData.files(parse(model), model);
    } catch (IOException e) {
      return java.util.List.of();
    }
  }
}
