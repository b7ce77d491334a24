package io.onnxq.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onnxq.OnnxqException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel time per op type from an ONNX Runtime profiling trace: a Chrome-trace JSON array whose
 * {@code "cat":"Node"} events carry the node's name, its duration {@code dur} (µs) and its op type
 * in {@code args.op_name}, one event per node and run.
 */
public final class OrtProfile {
  /**
   * One op type's typical kernel time per run (the sum over its nodes of each node's median
   * duration), and its share of all ops' time.
   */
  public record OpTime(String op, double ms, double percent) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OrtProfile() {}

  /** The {@code top} op types by kernel time, longest first. */
  public static List<OpTime> topOps(String traceJson, int top) {
    JsonNode events;
    try {
      events = MAPPER.readTree(traceJson);
    } catch (JsonProcessingException e) {
      throw new OnnxqException(
          "ONNX Runtime's profile is not JSON: "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (events != null && events.has("traceEvents")) events = events.get("traceEvents");
    if (events == null || !events.isArray()) {
      throw new OnnxqException("ONNX Runtime's profile is not a list of trace events");
    }
    Map<String, String> opOf = new LinkedHashMap<>();
    Map<String, List<Double>> durs = new HashMap<>();
    for (JsonNode e : events) {
      String op = e.path("args").path("op_name").asText("");
      String name = e.path("name").asText("");
      // The fence events around each kernel time its synchronisation, not the op.
      if (!"Node".equals(e.path("cat").asText())
          || op.isEmpty()
          || name.endsWith("_fence_before")
          || name.endsWith("_fence_after")) {
        continue;
      }
      opOf.put(name, op);
      durs.computeIfAbsent(name, k -> new ArrayList<>()).add(e.path("dur").asDouble(0));
    }
    // Per node the median over the runs: on a loaded machine most runs have one kernel that the
    // scheduler stalls for a whole time slice (10x a small model's run), and summing those would
    // make the profile name whichever op happened to be stalled.
    Map<String, Double> us = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, String> e : opOf.entrySet()) {
      double[] d =
          durs.get(e.getKey()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = Latency.percentile(d, 0.5);
      us.merge(e.getValue(), median, Double::sum);
      total += median;
    }
    List<OpTime> ops = new ArrayList<>();
    for (Map.Entry<String, Double> e : us.entrySet()) {
      ops.add(
          new OpTime(e.getKey(), e.getValue() / 1e3, total > 0 ? 100 * e.getValue() / total : 0));
    }
    ops.sort(Comparator.comparingDouble(OpTime::ms).reversed().thenComparing(OpTime::op));
    return List.copyOf(ops.subList(0, Math.min(top, ops.size())));
  }
}
