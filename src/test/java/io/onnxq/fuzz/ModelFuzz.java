package io.onnxq.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.StringStringEntryProto;
import io.onnxq.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/** Damaged model files: truncation, bit flips, overwrites, garbage, and external-data oddities. */
final class ModelFuzz {
  private final Fixtures fx;
  private final ModelProto vit;

  ModelFuzz(Fixtures fx) {
    this.fx = fx;
    try {
      vit = ModelProto.parseFrom(fx.vit);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  FuzzCase make(Random r, Path dir) throws IOException {
    Path model = dir.resolve("m").resolve("model.onnx");
    Files.createDirectories(model.getParent());
    byte[] b = fx.vit;
    int k = r.nextInt(100);
    String name;
    if (k < 18) {
      int cut = biasedOffset(r, b.length);
      name = "truncate@" + cut;
      Fixtures.write(model, Arrays.copyOf(b, cut));
    } else if (k < 36) {
      byte[] m = b.clone();
      int flips = 1 + r.nextInt(8);
      StringBuilder where = new StringBuilder();
      for (int i = 0; i < flips; i++) {
        int at = biasedOffset(r, m.length);
        m[at] ^= (byte) (1 << r.nextInt(8));
        where.append(i == 0 ? "" : ",").append(at);
      }
      name = "bitflip@" + where;
      Fixtures.write(model, m);
    } else if (k < 48) {
      byte[] m = b.clone();
      int at = biasedOffset(r, m.length);
      int len = Math.min(1 + r.nextInt(64), m.length - at);
      byte fill = (byte) r.nextInt(256);
      for (int i = 0; i < len; i++) m[at + i] = r.nextBoolean() ? fill : (byte) r.nextInt(256);
      name = "overwrite@" + at + "+" + len;
      Fixtures.write(model, m);
    } else if (k < 54) {
      byte[] junk = new byte[1 + r.nextInt(4096)];
      r.nextBytes(junk);
      byte[] m = Arrays.copyOf(b, b.length + junk.length);
      System.arraycopy(junk, 0, m, b.length, junk.length);
      name = "append" + junk.length;
      Fixtures.write(model, m);
    } else if (k < 57) {
      name = "empty";
      Fixtures.write(model, new byte[0]);
    } else if (k < 60) {
      name = "directory";
      Files.createDirectories(model);
    } else if (k < 62) {
      name = "missing";
    } else if (k < 64) {
      byte[] junk = new byte[r.nextInt(2048)];
      r.nextBytes(junk);
      name = "random" + junk.length;
      Fixtures.write(model, junk);
    } else if (k < 68) {
      boolean dangling = r.nextBoolean();
      name = dangling ? "odd-name-dangling" : "odd-name-renamed";
      Fixtures.write(model, oddName(r, dangling).toByteArray());
    } else if (k < 90) {
      return external(r, dir, model);
    } else {
      return constantExternal(r, dir, model);
    }
    return Commands.onModel(new FuzzCase("model", name, dir), r, fx, model);
  }

  /**
   * A node input whose name holds a newline, tab, carriage return or escape sequence: either
   * dangling (an error that quotes it) or renamed consistently with its producer (a valid model).
   */
  private ModelProto oddName(Random r, boolean dangling) {
    GraphProto.Builder g = vit.getGraph().toBuilder();
    String odd =
        new String[] {
              "a\nb", "x\n\tat fake.Frame(Fake.java:1)", "cr\rlf", "esc\u001b[31mred", "nul\0byte"
            }
            [r.nextInt(5)];
    NodeProto.Builder n;
    do {
      n = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
    } while (n.getInputCount() == 0 || n.getInput(0).isEmpty());
    String old = n.getInput(0);
    n.setInput(0, old + odd);
    if (!dangling) {
      for (NodeProto.Builder p : g.getNodeBuilderList()) {
        for (int o = 0; o < p.getOutputCount(); o++)
          if (p.getOutput(o).equals(old)) p.setOutput(o, old + odd);
        for (int o = 0; o < p.getInputCount(); o++)
          if (p.getInput(o).equals(old)) p.setInput(o, old + odd);
      }
      for (TensorProto.Builder t : g.getInitializerBuilderList())
        if (t.getName().equals(old)) t.setName(old + odd);
      for (var v : g.getInputBuilderList()) if (v.getName().equals(old)) v.setName(old + odd);
    }
    return vit.toBuilder().setGraph(g).build();
  }

  /**
   * Offsets near the start (nodes) or end (inputs/outputs) of the file more often than in the
   * weights.
   */
  private static int biasedOffset(Random r, int len) {
    int p = r.nextInt(10);
    if (p < 4) return r.nextInt(Math.min(len, 8192));
    if (p < 6) return len - 1 - r.nextInt(Math.min(len, 4096));
    return r.nextInt(len);
  }

  private TensorProto biggest() {
    return vit.getGraph().getInitializerList().stream()
        .filter(t -> !t.getRawData().isEmpty())
        .max(Comparator.comparingInt(t -> t.getRawData().size()))
        .orElseThrow();
  }

  private static StringStringEntryProto kv(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  private record Ext(String name, TensorProto tensor, Path fifo) {}

  /** Moves the biggest initializer's data into a file and describes it in one of many odd ways. */
  private Ext externalTensor(Random r, Path dir, Path model, String prefix) throws IOException {
    TensorProto t = biggest();
    byte[] raw = t.getRawData().toByteArray();
    Path m = model.getParent();
    Path outside = dir.resolve("outside.bin");
    Fixtures.write(outside, raw);
    int pad = r.nextInt(3) == 0 ? 16 * r.nextInt(8) : 0;
    byte[] file = new byte[pad + raw.length];
    System.arraycopy(raw, 0, file, pad, raw.length);
    String location = "weights.bin";
    String offset = Integer.toString(pad);
    String length = Integer.toString(raw.length);
    boolean writeFile = true;
    String name;
    Path fifo = null;
    switch (r.nextInt(prefix.equals("const") ? 6 : 17)) {
      case 0 -> name = "valid";
      case 1 -> {
        name = "dotdot";
        location = "../outside.bin";
      }
      case 2 -> {
        name = "missing-file";
        writeFile = false;
      }
      case 3 -> {
        name = "absolute";
        location = outside.toAbsolutePath().toString();
      }
      case 4 -> {
        name = "symlink-outside";
        location = "link.bin";
        Files.createSymbolicLink(m.resolve("link.bin"), outside.toAbsolutePath());
        offset = "0";
      }
      case 5 -> {
        name = "fifo";
        location = "pipe.bin";
        writeFile = false;
        Path pipe = m.resolve("pipe.bin");
        if (!mkfifo(pipe)) {
          name = "fifo-unavailable-missing";
        } else {
          fifo = pipe;
        }
      }
      case 6 -> {
        name = "offset-nonnumeric";
        offset = new String[] {"abc", "", "1e3", "0x10", " 0", "12abc"}[r.nextInt(6)];
      }
      case 7 -> {
        name = "offset-negative";
        offset = Long.toString(-1 - r.nextInt(1 << 20));
      }
      case 8 -> {
        name = "length-negative";
        length = Long.toString(-1 - r.nextInt(1000));
      }
      case 9 -> {
        name = "length-oversized";
        length =
            new String[] {
                  "4294967296",
                  "9223372036854775807",
                  Long.toString(raw.length + 4L),
                  "99999999999999999999"
                }
                [r.nextInt(4)];
      }
      case 10 -> {
        name = "length-short";
        length = Integer.toString(r.nextInt(raw.length));
      }
      case 11 -> {
        name = "offset-past-end";
        offset = Long.toString(file.length + 1L + r.nextInt(1000));
        length = "0";
      }
      case 12 -> {
        name = "offset-overflow";
        offset = "9223372036854775807";
      }
      case 13 -> {
        name = "location-folder";
        location = new String[] {".", "", "sub", "sub/"}[r.nextInt(4)];
        Files.createDirectories(m.resolve("sub"));
      }
      case 14 -> {
        name = "location-system";
        location =
            new String[] {
                  "/etc/hostname", "/dev/zero", "/proc/self/environ", "../../../../etc/passwd"
                }
                [r.nextInt(4)];
      }
      case 15 -> {
        name = "no-location";
        location = null;
      }
      default -> {
        name = "location-nul-or-odd";
        location =
            new String[] {"weights.bin\0x", "wei\nghts.bin", "./weights.bin", "sub/../weights.bin"}
                [r.nextInt(4)];
        Files.createDirectories(m.resolve("sub"));
      }
    }
    if (writeFile) Fixtures.write(m.resolve("weights.bin"), file);
    TensorProto.Builder e =
        t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL);
    if (location != null) e.addExternalData(kv("location", location));
    if (r.nextInt(8) != 0) e.addExternalData(kv("offset", offset));
    if (r.nextInt(8) != 0 || !length.equals(Integer.toString(raw.length)))
      e.addExternalData(kv("length", length));
    return new Ext(prefix + "-" + name, e.build(), fifo);
  }

  private FuzzCase external(Random r, Path dir, Path model) throws IOException {
    Ext x = externalTensor(r, dir, model, "ext");
    GraphProto.Builder g = vit.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals(x.tensor.getName())) g.setInitializer(i, x.tensor);
    }
    Fixtures.write(model, vit.toBuilder().setGraph(g).build().toByteArray());
    return finish(r, dir, model, x);
  }

  /** The same tensor as a Constant node's value, which ModelIO does not inline. */
  private FuzzCase constantExternal(Random r, Path dir, Path model) throws IOException {
    Ext x = externalTensor(r, dir, model, "const");
    GraphProto.Builder g = vit.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals(x.tensor.getName())) {
        g.removeInitializer(i);
        break;
      }
    }
    NodeProto constant =
        NodeProto.newBuilder()
            .setOpType("Constant")
            .setName("fuzz_constant")
            .addOutput(x.tensor.getName())
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("value")
                    .setType(AttributeProto.AttributeType.TENSOR)
                    .setT(x.tensor))
            .build();
    g.addNode(0, constant);
    Fixtures.write(model, vit.toBuilder().setGraph(g).build().toByteArray());
    return finish(r, dir, model, x);
  }

  private FuzzCase finish(Random r, Path dir, Path model, Ext x) {
    FuzzCase c = Commands.onModel(new FuzzCase("model", x.name, dir), r, fx, model);
    if (x.fifo != null) c.fifos.add(x.fifo);
    return c;
  }

  static boolean mkfifo(Path p) {
    try {
      Process pr = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
      pr.getInputStream().readAllBytes();
      return pr.waitFor() == 0 && Files.exists(p);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
