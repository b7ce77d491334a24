package io.onnxq.cli;

import io.onnxq.calib.Progress;
import io.onnxq.convert.Converter;
import io.onnxq.convert.QuantReport;
import io.onnxq.data.Dataset;
import io.onnxq.model.ModelIO;
import io.onnxq.model.OnnxModel;
import io.onnxq.model.OutputFiles;
import io.onnxq.recipe.Emit;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.GeluMode;
import io.onnxq.recipe.LayerOverrides;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.RecipeFlags;
import io.onnxq.recipe.Refinements;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.SizeBudget;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = "Calibrate an FP32 ViT with ONNX Runtime and write a quantized ONNX model.")
final class ConvertCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "FP32 ONNX model")
  Path model;

  @Option(
      names = {"-o", "--output"},
      description = "output model (default: <model>.quant.onnx)")
  Path output;

  @Option(
      names = "--calib",
      required = true,
      description = "calibration data: a float32 NCHW .npy or an image folder")
  Path calib;

  @Option(
      names = "--calib-count",
      defaultValue = "100",
      converter = PositiveInt.class,
      description =
          "calibration samples to use, at least 1; all when the data has fewer (default: ${DEFAULT-VALUE})")
  int calibCount;

  @Option(
      names = "--method",
      defaultValue = "minmax",
      description =
          "activation observer: minmax, ema, percentile, omse (default: ${DEFAULT-VALUE})")
  String method;

  @Option(
      names = "--weight-range",
      defaultValue = "reduced",
      description =
          "int8 weight range: reduced = [-63,63], safe for x86 CPUs without VNNI; full = [-127,127] (default: ${DEFAULT-VALUE})")
  String weightRange;

  @Option(
      names = "--pts",
      description = "FQ-ViT PTS: power-of-two-factor LayerNorm inputs and integer LayerNorm")
  boolean pts;

  @Option(
      names = "--lis",
      description = "FQ-ViT LIS: integer log2 softmax with 4-bit attention (see --attn-bits)")
  boolean lis;

  @Option(
      names = "--full",
      description =
          "FQ-ViT placement without PTS/LIS: quantize the residual stream, LayerNorm "
              + "inputs/outputs, qkv, logits and branch outputs too (implied by --pts and --lis)")
  boolean full;

  @Option(
      names = "--int-gelu",
      arity = "0..1",
      paramLabel = "table|ibert",
      preprocessor = IntGeluValue.class,
      description =
          "integer GELU on fc1's quantized output, writing fc2's input codes; with --pts/--lis,"
              + " or alone with the FQ-ViT placement. table (default): com.onnxq::GeluTable, the"
              + " exactly rounded GELU of each code; ibert: com.onnxq::IntGelu, I-BERT's i-GELU"
              + " (--int-gelu=ibert or --int-gelu ibert)")
  String intGelu;

  @Option(
      names = "--attn-bits",
      description = "attention probability bits: 4 (log2 codes, default with --lis) or 8 (uniform)")
  Integer attnBits;

  @Option(
      names = "--wbits",
      defaultValue = "8",
      description =
          "weight bits: 3, 4, 6 or 8; 3 to 8 with --similarity (default: ${DEFAULT-VALUE})")
  int wbits;

  @Option(
      names = "--abits",
      defaultValue = "8",
      description =
          "activation bits: 3, 4, 6 or 8; 3 to 8 with --similarity (default: ${DEFAULT-VALUE})")
  int abits;

  @Option(
      names = "--adalog",
      description =
          "AdaLog: FPCS-searched quantizers, adaptive-log-base post-Softmax and "
              + "post-GELU quantizers, per-head q/k/v, RepQ-ViT reparameterization (use with --wbits/--abits)")
  boolean adalog;

  @Option(
      names = "--bias-correction",
      description =
          "subtract each quantized linear's mean output error on the calibration data (weight,"
              + " input and joint error terms) from its bias; with every recipe")
  boolean biasCorrection;

  @Option(
      names = "--gptq",
      description =
          "with --adalog: error-compensated (GPTQ) rounding of the weights on the "
              + "searched grids")
  boolean gptq;

  @Option(
      names = "--qk-balance",
      description =
          "with --adalog: per-channel q/k range balancing folded into the qkv "
              + "weights (exact in FP32)")
  boolean qkBalance;

  @Option(
      names = "--keep-float",
      paramLabel = "GLOB",
      description =
          "keep the linear layers whose module name matches in float (e.g. 'blocks.0.*', 'head'; repeatable; names as in"
              + " the --report layer list)")
  List<String> keepFloat;

  @Option(
      names = "--bits",
      paramLabel = "GLOB=N",
      description =
          "weights and input of the matching linear layers at N bits, 2 to 8 (e.g. 'head=8'; repeatable; --keep-float wins,"
              + " else the last matching --bits)")
  List<String> bitsFor;

  @Option(
      names = "--similarity",
      description =
          "Liu et al. 2021: weight and input scales of every linear layer and attention matmul by"
              + " the similarity-aware (Pearson) alternating search; widths from --wbits/--abits (3 to 8)")
  boolean similarity;

  @Option(
      names = "--similarity-grid",
      paramLabel = "GRID",
      description =
          "with --similarity: paper = symmetric signed per tensor as published (default); onnxq ="
              + " asymmetric per-channel weights and unsigned inputs")
  String similarityGrid;

  @Option(
      names = "--ranking",
      description =
          "with --similarity: choose the Q*K^T operands by Pearson minus 0.1 x the pairwise ranking"
              + " loss of the attention scores")
  boolean ranking;

  @Option(
      names = "--avg-bits",
      paramLabel = "N",
      description =
          "mixed precision (with --similarity or --adalog): one width per MSA and MLP module, by"
              + " nuclear-norm sensitivity, for a weight-averaged width of at most N")
  Double avgBits;

  @Option(
      names = "--target-size",
      paramLabel = "MB",
      description =
          "mixed precision as --avg-bits, for a nominal model size (quantized weights at their"
              + " widths, the rest at 32 bits) of at most MB x 10^6 bytes")
  Double targetSize;

  @Option(
      names = "--log2-softmax",
      description = "low-bit baseline: fixed log2 quantizer for the attention probabilities")
  boolean log2Softmax;

  @Option(
      names = "--emit",
      defaultValue = "functions",
      description =
          "custom ops as model-local functions (functions) or with their bodies expanded (inline) (default: ${DEFAULT-VALUE})")
  String emit;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      converter = PositiveInt.class,
      description = "calibration batch size (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--report",
      description = "write a JSON report of every quantized tensor and per-layer error")
  Path report;

  @Option(names = "--quiet", description = "no progress output")
  boolean quiet;

  @Mixin DataOptions data;

  @Override
  public Integer call() throws Exception {
    Path out = output != null ? output : defaultOutput(model);
    OutputFiles files = outputFiles(out);
    Recipe recipe =
        new RecipeFlags(
                method,
                weightRange,
                full,
                pts,
                lis,
                attnBits,
                wbits,
                abits,
                adalog,
                log2Softmax,
                new Refinements(biasCorrection, gptq, qkBalance),
                new RecipeFlags.Similarity(similarity, similarityGrid, ranking),
                intGelu == null ? GeluMode.FLOAT : GeluMode.parseInteger(intGelu))
            .toRecipe();
    Settings settings =
        new Settings(
            batchSize,
            calibCount,
            Emit.parse(emit),
            LayerOverrides.parse(keepFloat, bitsFor),
            SizeBudget.of(avgBits, targetSize));
    OnnxModel m = ModelIO.read(model);
    Dataset ds = data.open(calib, null, settings.calibCount());
    Progress progress = quiet ? Progress.SILENT : Progress.stderr();
    Converter.Result r = new Converter(recipe, settings, progress).convert(m, ds, model.toString());
    QuantReport rep = r.report();
    try (files) { // all outputs appear together or none does
      files.write(out, r.model()::writeTo);
      if (report != null) {
        QuantReport withOut = rep.withOutput(out.toString());
        files.write(report, os -> Json.MAPPER.writeValue(os, withOut));
      }
      files.commit();
    }
    double worst =
        rep.layers().stream().mapToDouble(QuantReport.LayerEntry::sqnrDb).min().orElse(Double.NaN);
    System.out.printf(
        Locale.ROOT,
        "wrote %s (%.1f MB -> %.1f MB) in %.1f s; %d tensors quantized, worst layer SQNR %.1f dB%n",
        out,
        rep.inputBytes() / 1e6,
        rep.outputBytes() / 1e6,
        rep.totalSeconds(),
        rep.tensors().size(),
        worst);
    if (rep.mixedPrecision() != null) System.out.println(rep.mixedPrecision().bitMapLine());
    // The fully quantized recipe aims at integer-only; say how close it came.
    if (recipe instanceof FqVit) System.out.println(rep.integerOnly().text());
    return 0;
  }

  /**
   * Checks every output against the inputs and each other before any work is done; nothing is
   * written yet.
   */
  private OutputFiles outputFiles(Path out) {
    OutputFiles files =
        new OutputFiles().input(model, "the input model").input(calib, "the calibration data");
    files.output(out, "-o");
    if (report != null) files.output(report, "--report");
    if (files.replacesExisting())
      files.inputs(ModelIO.externalDataFiles(model), "external data of the input model");
    return files;
  }

  static Path defaultOutput(Path model) {
    String name = model.getFileName().toString();
    String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    return model.resolveSibling(stem + ".quant.onnx");
  }
}
