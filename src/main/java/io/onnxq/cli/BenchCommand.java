package io.onnxq.cli;

import io.onnxq.OnnxqException;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.eval.Latency;
import io.onnxq.eval.LatencyBench;
import io.onnxq.eval.OrtProfile;
import io.onnxq.model.ModelIO;
import io.onnxq.ort.BatchProbe;
import io.onnxq.proto.Onnx.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "ONNX Runtime latency (full optimization) of one or more models side by side: one session"
            + " each, interleaved round by round, at each --batch size; median, p10-p90 and the"
            + " ratio of each median to the first model's. A model that runs only at one batch is"
            + " timed at that batch.")
final class BenchCommand implements Callable<Integer> {
  /** Profiled runs per model: enough for stable shares, short next to the timed runs. */
  static final int PROFILE_RUNS = 10;

  static final int PROFILE_TOP = 10;

  /** The repeated sample is held in one float array; 1 GB is far above any useful batch. */
  static final long MAX_INPUT_FLOATS = 250_000_000L;

  @Parameters(arity = "1..*", description = "ONNX models; the first is the baseline of the ratios")
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
      description =
          "timed rounds per batch size, each running every model once (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      converter = PositiveInt.NonNegative.class,
      description =
          "untimed rounds before each batch size's timed ones (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--threads",
      defaultValue = "0",
      converter = PositiveInt.NonNegative.class,
      description = "intra-op threads, 0 = ORT default")
  int threads;

  @Option(
      names = "--batch",
      split = ",",
      defaultValue = "1,8",
      converter = PositiveInt.class,
      description =
          "batch sizes, comma-separated, each in an interleaved pass of its own; a batch is the one"
              + " sample repeated (default: ${DEFAULT-VALUE})")
  int[] batchSizes;

  @Option(
      names = "--profile",
      description =
          "after the timed runs, profile each model in a session of its own and print its top "
              + PROFILE_TOP
              + " op types by kernel time")
  boolean profile;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin DataOptions dataOptions;

  @Override
  public Integer call() throws Exception {
    Dataset ds = dataOptions.open(data, null, 1);
    float[] sample = ds.sample(0);
    Batches.checkFinite(ds, 0, sample);
    int[] sizes = IntStream.of(batchSizes).distinct().sorted().toArray();
    List<ModelProto> protos = new ArrayList<>();
    List<String> names = names();
    int[] fixed = new int[models.length];
    for (int i = 0; i < models.length; i++) {
      protos.add(ModelIO.readProto(models[i]));
      fixed[i] = fixedBatch(protos.get(i), names.get(i), ds.sampleShape(), sizes);
    }
    // columns[c][i]: model i's batch in the pass for sizes[c], 0 when it sits that pass out
    int[][] columns = new int[sizes.length][];
    for (int c = 0; c < sizes.length; c++) columns[c] = columnBatches(sizes, c, fixed);
    int maxBatch = IntStream.of(sizes).max().getAsInt();
    for (int f : fixed) maxBatch = Math.max(maxBatch, f);
    if ((long) sample.length * maxBatch > MAX_INPUT_FLOATS) {
      throw new OnnxqException(
          String.format(
              Locale.ROOT,
              "batch %d is too large: %d copies of the sample are %.1f GB of input, more than 1 GB",
              maxBatch,
              maxBatch,
              4.0 * sample.length * maxBatch / 1e9));
    }

    Latency[][] lat = new Latency[sizes.length][];
    List<List<OrtProfile.OpTime>> profiles = new ArrayList<>();
    try (LatencyBench bench =
        new LatencyBench(protos, sample, ds.sampleShape(), maxBatch, threads)) {
      for (int c = 0; c < sizes.length; c++) lat[c] = bench.pass(columns[c], warmup, runs);
      for (int i = 0; profile && i < models.length; i++) {
        profiles.add(bench.profile(i, first(lat, i).batch(), PROFILE_RUNS, PROFILE_TOP));
      }
    }
    if (json) {
      System.out.println(Json.MAPPER.writeValueAsString(toJson(names, lat, profiles)));
    } else {
      printTable(names, sizes, lat);
      if (profile) printProfiles(names, profiles);
    }
    return 0;
  }

  /** The model paths as given; a model given again gets "#2", "#3"... so each keeps its row. */
  private List<String> names() {
    Map<String, Integer> seen = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (Path m : models) {
      int k = seen.merge(m.toString(), 1, Integer::sum);
      names.add(k == 1 ? m.toString() : m + "#" + k);
    }
    return names;
  }

  /**
   * The only batch {@code model} runs at, or 0; the note says so unless that batch is all that was
   * asked for. Probing at the largest size finds batches baked in at 1, not just declared ones.
   */
  private static int fixedBatch(ModelProto model, String name, int[] sampleShape, int[] sizes) {
    BatchProbe.Limit l =
        BatchProbe.limit(
            List.of(model),
            List.of(name),
            sampleShape,
            0,
            sizes[sizes.length - 1],
            "benchmarking",
            note -> {});
    if (!l.fixed()) return 0;
    if (sizes.length > 1 || sizes[0] != l.batch()) {
      System.err.println(
          "note: "
              + name
              + " runs only at batch "
              + l.batch()
              + " ("
              + l.reason()
              + "); benchmarking at batch "
              + l.batch());
    }
    return l.batch();
  }

  /**
   * Each model's batch in the pass for {@code sizes[c]}: a model fixed at a batch runs only in that
   * batch's pass, or in the first pass when that batch was not asked for.
   */
  static int[] columnBatches(int[] sizes, int c, int[] fixed) {
    int[] b = new int[fixed.length];
    for (int i = 0; i < fixed.length; i++) {
      int f = fixed[i];
      boolean asked = IntStream.of(sizes).anyMatch(s -> s == f);
      if (f == 0) b[i] = sizes[c];
      else if (f == sizes[c] || (c == 0 && !asked)) b[i] = f;
    }
    return b;
  }

  /** Model i's latency in the first pass it ran in. */
  private static Latency first(Latency[][] lat, int i) {
    for (Latency[] pass : lat) if (pass[i] != null) return pass[i];
    throw new IllegalStateException("model " + i + " ran in no pass");
  }

  private Map<String, Object> toJson(
      List<String> names, Latency[][] lat, List<List<OrtProfile.OpTime>> profiles)
      throws java.io.IOException {
    Map<String, Object> results = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      // The first pass's numbers (batch 1 by default) stay at the top level for existing readers.
      Latency l = first(lat, i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("medianMs", l.medianMs());
      m.put("p10Ms", l.p10Ms());
      m.put("p90Ms", l.p90Ms());
      m.put("runs", l.runs());
      m.put("bytes", Files.size(models[i]));
      m.put("batch", l.batch());
      Map<String, Object> batches = new LinkedHashMap<>();
      for (Latency[] pass : lat) {
        Latency b = pass[i];
        if (b == null) continue;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("medianMs", b.medianMs());
        e.put("p10Ms", b.p10Ms());
        e.put("p90Ms", b.p90Ms());
        e.put("runs", b.runs());
        e.put("ratio", b.ratioTo(pass[0]));
        batches.put(Integer.toString(b.batch()), e);
      }
      m.put("batches", batches);
      if (profile) m.put("profile", profiles.get(i));
      results.put(names.get(i), m);
    }
    return results;
  }

  private void printTable(List<String> names, int[] sizes, Latency[][] lat)
      throws java.io.IOException {
    System.out.printf(
        Locale.ROOT,
        "%d rounds per batch size, models interleaved, %s; ms = median, spread = p10-p90,"
            + " ratio = median / median of the first model (%s)%n",
        runs,
        threads == 0 ? "ORT default threads" : threads + " intra-op threads",
        names.get(0));
    List<String[]> rows = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("model", "MB"));
    for (int s : sizes) head.addAll(List.of("batch " + s + " ms", "spread", "ratio"));
    rows.add(head.toArray(String[]::new));
    for (int i = 0; i < names.size(); i++) {
      List<String> row = new ArrayList<>(List.of(names.get(i), mb(Files.size(models[i]))));
      for (int c = 0; c < sizes.length; c++) {
        Latency l = lat[c][i];
        if (l == null) {
          row.addAll(List.of("-", "-", "-"));
          continue;
        }
        Double r = l.ratioTo(lat[c][0]);
        row.add(String.format(Locale.ROOT, "%.2f", l.medianMs()));
        row.add(String.format(Locale.ROOT, "%.2f-%.2f", l.p10Ms(), l.p90Ms()));
        row.add(
            l.batch() != sizes[c]
                ? "(batch " + l.batch() + ")"
                : r == null ? "-" : String.format(Locale.ROOT, "%.2fx", r));
      }
      rows.add(row.toArray(String[]::new));
    }
    for (String line : Table.format(rows)) System.out.println(line);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes / 1e6);
  }

  private static void printProfiles(List<String> names, List<List<OrtProfile.OpTime>> profiles) {
    System.out.println(
        "top op types by kernel time (ORT profiler, "
            + PROFILE_RUNS
            + " runs per model in a session of its own, at its first batch size):");
    for (int i = 0; i < names.size(); i++) {
      StringBuilder sb = new StringBuilder("  " + names.get(i) + ":");
      for (OrtProfile.OpTime t : profiles.get(i)) {
        sb.append(String.format(Locale.ROOT, "  %s %.0f%%", t.op(), t.percent()));
      }
      System.out.println(sb);
    }
  }
}
