package io.onnxq.model;

import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mutable graph node. Fields onnxq does not edit (doc string, metadata, unknown fields) ride
 * along in the original proto and are written back unchanged.
 */
public final class Node {
  private final NodeProto original;
  private String name;
  private String opType;
  private String domain;
  final List<String> inputs;
  final List<String> outputs;
  private final Map<String, AttributeProto> attributes;

  Node(NodeProto proto) {
    this.original = proto;
    this.name = proto.getName();
    this.opType = proto.getOpType();
    this.domain = proto.getDomain();
    this.inputs = new ArrayList<>(proto.getInputList());
    this.outputs = new ArrayList<>(proto.getOutputList());
    this.attributes = new LinkedHashMap<>();
    for (AttributeProto a : proto.getAttributeList()) {
      attributes.put(a.getName(), a);
    }
  }

  public static Node of(String opType, String name, List<String> inputs, List<String> outputs) {
    return new Node(
        NodeProto.newBuilder()
            .setOpType(opType)
            .setName(name)
            .addAllInput(inputs)
            .addAllOutput(outputs)
            .build());
  }

  public String name() {
    return name;
  }

  public String opType() {
    return opType;
  }

  public String domain() {
    return domain;
  }

  public List<String> inputs() {
    return List.copyOf(inputs);
  }

  public List<String> outputs() {
    return List.copyOf(outputs);
  }

  public String input(int i) {
    return i < inputs.size() ? inputs.get(i) : "";
  }

  public String output(int i) {
    return outputs.get(i);
  }

  public int inputCount() {
    return inputs.size();
  }

  public Node setDomain(String d) {
    this.domain = d;
    return this;
  }

  public Node setName(String n) {
    this.name = n;
    return this;
  }

  public boolean is(String type) {
    return opType.equals(type) && (domain.isEmpty() || domain.equals("ai.onnx"));
  }

  public AttributeProto attribute(String key) {
    return attributes.get(key);
  }

  public long intAttr(String key, long dflt) {
    AttributeProto a = attributes.get(key);
    return a == null ? dflt : a.getI();
  }

  public float floatAttr(String key, float dflt) {
    AttributeProto a = attributes.get(key);
    return a == null ? dflt : a.getF();
  }

  public List<Long> intsAttr(String key) {
    AttributeProto a = attributes.get(key);
    return a == null ? null : a.getIntsList();
  }

  public Node setAttr(AttributeProto a) {
    attributes.put(a.getName(), a);
    return this;
  }

  public Node removeAttr(String key) {
    attributes.remove(key);
    return this;
  }

  public Node setIntAttr(String key, long v) {
    return setAttr(
        AttributeProto.newBuilder()
            .setName(key)
            .setType(AttributeProto.AttributeType.INT)
            .setI(v)
            .build());
  }

  NodeProto toProto() {
    return original.toBuilder()
        .setName(name)
        .setOpType(opType)
        .setDomain(domain)
        .clearInput()
        .addAllInput(inputs)
        .clearOutput()
        .addAllOutput(outputs)
        .clearAttribute()
        .addAllAttribute(attributes.values())
        .build();
  }

  @Override
  public String toString() {
    return opType + "(" + name + ": " + inputs + " -> " + outputs + ")";
  }
}
