package io.onnxq.model;

import com.google.protobuf.ByteString;
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
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;

/** What a parsed model must satisfy before onnxq uses it: UTF-8 names, finite weights. */
final class ModelSanity {
  private ModelSanity() {}

  /**
   * Refuses invalid UTF-8 in the names onnxq copies into its output (the ONNX checker rejects
   * them).
   */
  static void checkUtf8(ModelProto m, Path path) {
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
            ? where + " (" + Messages.quote(n.getName()) + ")"
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

  /**
   * Refuses NaN/Inf in the main graph's float initializers and Constant tensors (one pass each).
   */
  static void checkFinite(GraphProto g) {
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
            + Messages.quote(t.getName())
            + " contains "
            + what
            + " at index "
            + i
            + "; fix or re-export the model");
  }
}
