package io.onnxq.cli;

import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.eval.LatencyBench;
import io.onnxq.model.ModelIO;
import io.onnxq.ort.BatchProbe;
import io.onnxq.proto.Onnx.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Batch-1 ONNX Runtime latency (full optimization) of one or more models, and their file sizes; "
            + "a model that runs only at another batch is timed at that batch.")
final class BenchCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", description = "ONNX models")
  Path[] models;

  @Option(
      names = "--data",
      required = true,
      description = "where the input sample comes from (.npy or image folder)")
  Path data;

  @Option(
      names = "--runs",
      defaultValue = "50",
      converter = PositiveInt.class,
      description = "timed runs (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      converter = PositiveInt.NonNegative.class,
      description = "warm-up runs (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--threads",
      defaultValue = "0",
      converter = PositiveInt.NonNegative.class,
      description = "intra-op threads, 0 = ORT default")
  int threads;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin DataOptions dataOptions;

  @Override
  public Integer call() throws Exception {
    Dataset ds = dataOptions.open(data, null, 1);
    float[] sample = ds.sample(0);
    Batches.checkFinite(ds, 0, sample);
    Map<String, Object> results = new LinkedHashMap<>();
    for (Path m : models) {
      ModelProto proto = ModelIO.readProto(m);
      // Samples 0: the batch is filled with copies of the one sample, whatever its size.
      int batch =
          BatchProbe.limit(
                  List.of(proto),
                  List.of(m.toString()),
                  ds.sampleShape(),
                  0,
                  1,
                  "benchmarking",
                  System.err::println)
              .batchSize(1);
      LatencyBench.Latency l =
          LatencyBench.measure(proto, sample, ds.sampleShape(), batch, warmup, runs, threads);
      long bytes = Files.size(m);
      results.put(
          m.toString(),
          Map.of(
              "medianMs",
              l.medianMs(),
              "p90Ms",
              l.p90Ms(),
              "runs",
              l.runs(),
              "bytes",
              bytes,
              "batch",
              l.batch()));
      if (!json) {
        System.out.printf(
            Locale.ROOT,
            "%s: median %.2f ms, p90 %.2f ms over %d runs%s, %.2f MB%n",
            m,
            l.medianMs(),
            l.p90Ms(),
            l.runs(),
            batch == 1 ? "" : " at batch " + batch,
            bytes / 1e6);
      }
    }
    if (json) System.out.println(Json.MAPPER.writeValueAsString(results));
    return 0;
  }
}
