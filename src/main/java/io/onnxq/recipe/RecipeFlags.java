package io.onnxq.recipe;

import io.onnxq.OnnxqException;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.calib.search.SimilarityGrid;
import java.util.Locale;

/**
 * The convert command's recipe flags as typed, and the one place that turns them into a {@link
 * Recipe}: the cross-flag rules live here, with the one-line errors the CLI prints.
 *
 * @param attnBits null when not given (4 with --lis, else 8)
 * @param similarity the Liu et al. 2021 flags
 * @param gelu {@code --int-gelu[=table|ibert]}: an integer GELU, with the FQ-ViT placement; FLOAT
 *     when not given
 */
public record RecipeFlags(
    String method,
    String weightRange,
    boolean full,
    boolean pts,
    boolean lis,
    Integer attnBits,
    int wBits,
    int aBits,
    boolean adalog,
    boolean log2Softmax,
    Refinements refinements,
    Similarity similarity,
    GeluMode gelu) {

  public RecipeFlags {
    java.util.Objects.requireNonNull(gelu, "gelu");
  }

  /**
   * {@code --similarity}, {@code --similarity-grid} (null when not given) and {@code --ranking}.
   */
  public record Similarity(boolean on, String grid, boolean ranking) {
    public static final Similarity OFF = new Similarity(false, null, false);
  }

  public RecipeFlags(
      String method,
      String weightRange,
      boolean full,
      boolean pts,
      boolean lis,
      Integer attnBits,
      int wBits,
      int aBits,
      boolean adalog,
      boolean log2Softmax,
      Refinements refinements,
      Similarity similarity) {
    this(
        method,
        weightRange,
        full,
        pts,
        lis,
        attnBits,
        wBits,
        aBits,
        adalog,
        log2Softmax,
        refinements,
        similarity,
        GeluMode.FLOAT);
  }

  public RecipeFlags(
      String method,
      String weightRange,
      boolean full,
      boolean pts,
      boolean lis,
      Integer attnBits,
      int wBits,
      int aBits,
      boolean adalog,
      boolean log2Softmax,
      Refinements refinements) {
    this(
        method,
        weightRange,
        full,
        pts,
        lis,
        attnBits,
        wBits,
        aBits,
        adalog,
        log2Softmax,
        refinements,
        Similarity.OFF);
  }

  public Recipe toRecipe() {
    if ((similarity.ranking() || similarity.grid() != null) && !similarity.on())
      throw new OnnxqException(
          "--ranking and --similarity-grid refine --similarity; add --similarity");
    if (similarity.on()) return similarityRecipe();
    int bits = attnBits != null ? attnBits : lis ? 4 : 8;
    FqVit.checkAttnBits(bits, lis);
    Recipe.checkBits(wBits, aBits);
    boolean lowBit = wBits < 8 || aBits < 8 || adalog || log2Softmax;
    boolean intGelu = gelu.integer();
    if (lowBit && intGelu) {
      throw new OnnxqException(
          "--int-gelu is an 8-bit FQ-ViT mode: AdaLog and the low-bit recipes quantize the GELU"
              + " output on their own grid (AdaLog: a log grid with its shift in fc2's bias), which"
              + " the integer GELU's uniform codes do not feed; drop --int-gelu or the low-bit flags");
    }
    if (lowBit && (pts || lis || full)) {
      throw new OnnxqException(
          "--pts/--lis/--full are 8-bit FQ-ViT modes; combine --wbits/--abits with --adalog or --log2-softmax");
    }
    if (adalog && log2Softmax)
      throw new OnnxqException("choose one of --adalog and --log2-softmax");
    if ((refinements.gptq() || refinements.qkBalance()) && !adalog) {
      throw new OnnxqException("--gptq and --qk-balance refine --adalog; add --adalog");
    }
    boolean bc = refinements.biasCorrection();
    ObserverKind observer = ObserverKind.parse(method);
    WeightRange range = WeightRange.parse(weightRange);
    if (adalog) return new AdaLog(wBits, aBits, refinements);
    if (lowBit) return new LowBit(observer, range, wBits, aBits, log2Softmax, bc);
    if (pts || lis || full || intGelu) return new FqVit(observer, range, pts, lis, bits, bc, gelu);
    return new W8A8(observer, range, bc);
  }

  private Recipe similarityRecipe() {
    if (adalog || log2Softmax || pts || lis || full || gelu.integer() || attnBits != null)
      throw new OnnxqException(
          "--similarity is its own recipe; drop"
              + " --adalog/--log2-softmax/--pts/--lis/--full/--int-gelu/--attn-bits");
    if (refinements.gptq() || refinements.qkBalance())
      throw new OnnxqException("--gptq and --qk-balance refine --adalog; add --adalog");
    return new PtqVit(
        wBits, aBits, grid(similarity.grid()), similarity.ranking(), refinements.biasCorrection());
  }

  private static SimilarityGrid grid(String g) {
    if (g == null) return SimilarityGrid.PAPER;
    return switch (g.trim().toLowerCase(Locale.ROOT)) {
      case "paper" -> SimilarityGrid.PAPER;
      case "onnxq" -> SimilarityGrid.ONNXQ;
      default ->
          throw new OnnxqException("--similarity-grid must be paper or onnxq, got '" + g + "'");
    };
  }
}
