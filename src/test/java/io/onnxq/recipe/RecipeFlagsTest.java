package io.onnxq.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.calib.search.SimilarityGrid;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipeFlagsTest {
  /** Flags as the CLI spells them: "pts lis adalog wbits=4 attn=8 ...". */
  private static RecipeFlags flags(String spec) {
    String s = " " + spec + " ";
    Integer attn =
        s.contains(" attn=") ? Integer.valueOf(s.split(" attn=")[1].split(" ")[0]) : null;
    int w = s.contains(" wbits=") ? Integer.parseInt(s.split(" wbits=")[1].split(" ")[0]) : 8;
    int a = s.contains(" abits=") ? Integer.parseInt(s.split(" abits=")[1].split(" ")[0]) : 8;
    return new RecipeFlags(
        "minmax",
        "reduced",
        s.contains(" full "),
        s.contains(" pts "),
        s.contains(" lis "),
        attn,
        w,
        a,
        s.contains(" adalog "),
        s.contains(" log2 "),
        new Refinements(s.contains(" bc "), false, false),
        RecipeFlags.Similarity.OFF,
        s.contains(" gelu ")
            ? GeluMode.TABLE
            : s.contains(" ibert ") ? GeluMode.IBERT : GeluMode.FLOAT);
  }

  @Test
  void flagsMapToOneRecipeEach() {
    assertEquals(W8A8.defaults(), flags("").toRecipe());
    assertEquals(
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, true, false, 8),
        flags("pts").toRecipe());
    assertEquals(
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, true, true, 4),
        flags("pts lis").toRecipe());
    assertEquals(
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, false, true, 8),
        flags("lis attn=8").toRecipe());
    assertEquals(
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, false, false, 8),
        flags("full").toRecipe());
    assertEquals(
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, true, true, 4, false, GeluMode.TABLE),
        flags("pts lis gelu").toRecipe());
    assertEquals(
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, true, true, 4, false, GeluMode.IBERT),
        flags("pts lis ibert").toRecipe());
    assertEquals(
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, false, false, 8, false, GeluMode.TABLE),
        flags("gelu").toRecipe(),
        "--int-gelu alone takes the FQ-ViT placement");
    assertEquals(
        new LowBit(ObserverKind.MINMAX, WeightRange.REDUCED, 4, 6, false),
        flags("wbits=4 abits=6").toRecipe());
    assertEquals(
        new LowBit(ObserverKind.MINMAX, WeightRange.REDUCED, 8, 8, true), flags("log2").toRecipe());
    assertEquals(
        AdaLog.of(4, 4).withRefinements(new Refinements(true, false, false)),
        flags("adalog wbits=4 abits=4 bc").toRecipe());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "attn=4|--attn-bits 4 needs --lis (4-bit attention uses log2 codes)",
        "lis attn=5|--attn-bits must be 4 or 8, got 5",
        "wbits=5|--wbits/--abits must be 3, 4, 6 or 8, got 5",
        "pts wbits=4|--pts/--lis/--full are 8-bit FQ-ViT modes; combine --wbits/--abits with --adalog or --log2-softmax",
        "full adalog|--pts/--lis/--full are 8-bit FQ-ViT modes; combine --wbits/--abits with --adalog or --log2-softmax",
        "adalog log2|choose one of --adalog and --log2-softmax",
        "adalog wbits=4 gelu|--int-gelu is an 8-bit FQ-ViT mode: AdaLog and the low-bit recipes quantize the GELU output on their own grid (AdaLog: a log grid with its shift in fc2's bias), which the integer GELU's uniform codes do not feed; drop --int-gelu or the low-bit flags"
      })
  void invalidCombinationsAreRefusedWithTheCliLine(String spec, String message) {
    assertEquals(
        message, assertThrows(OnnxqException.class, () -> flags(spec).toRecipe()).getMessage());
  }

  @Test
  void biasCorrectionGoesWithEveryRecipeTheOtherRefinementsOnlyWithAdaLog() {
    assertEquals(new W8A8(ObserverKind.MINMAX, WeightRange.REDUCED, true), flags("bc").toRecipe());
    assertEquals(
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, true, true, 4, true),
        flags("pts lis bc").toRecipe());
    RecipeFlags gptq =
        new RecipeFlags(
            "minmax",
            "reduced",
            false,
            false,
            false,
            null,
            8,
            8,
            false,
            false,
            new Refinements(false, true, false));
    assertEquals(
        "--gptq and --qk-balance refine --adalog; add --adalog",
        assertThrows(OnnxqException.class, gptq::toRecipe).getMessage());
  }

  private static RecipeFlags similarity(int bits, String grid, boolean ranking, boolean adalog) {
    return new RecipeFlags(
        "minmax",
        "reduced",
        false,
        false,
        false,
        null,
        bits,
        bits,
        adalog,
        false,
        new Refinements(true, false, false),
        new RecipeFlags.Similarity(true, grid, ranking));
  }

  @Test
  void similarityFlagsMakeTheLiuRecipe() {
    assertEquals(
        new PtqVit(5, 5, SimilarityGrid.PAPER, false, true),
        similarity(5, null, false, false).toRecipe());
    assertEquals(
        new PtqVit(7, 7, SimilarityGrid.ONNXQ, true, true),
        similarity(7, "ONNXQ", true, false).toRecipe());
    assertEquals(
        "--similarity-grid must be paper or onnxq, got 'fine'",
        assertThrows(OnnxqException.class, () -> similarity(6, "fine", false, false).toRecipe())
            .getMessage());
    assertEquals(
        "--wbits/--abits with --similarity must be 3 to 8, got 2",
        assertThrows(OnnxqException.class, () -> similarity(2, null, false, false).toRecipe())
            .getMessage());
    assertEquals(
        "--similarity is its own recipe; drop --adalog/--log2-softmax/--pts/--lis/--full/--int-gelu/--attn-bits",
        assertThrows(OnnxqException.class, () -> similarity(6, null, false, true).toRecipe())
            .getMessage());
    RecipeFlags rankingAlone =
        new RecipeFlags(
            "minmax",
            "reduced",
            false,
            false,
            false,
            null,
            8,
            8,
            false,
            false,
            new Refinements(false, false, false),
            new RecipeFlags.Similarity(false, null, true));
    assertEquals(
        "--ranking and --similarity-grid refine --similarity; add --similarity",
        assertThrows(OnnxqException.class, rankingAlone::toRecipe).getMessage());
  }

  @Test
  void sizeBudgetsAreOneOfTwoFlags() {
    assertEquals(new SizeBudget.AvgBits(6), SizeBudget.of(6.0, null));
    assertEquals(new SizeBudget.TargetSize(4.5), SizeBudget.of(null, 4.5));
    assertEquals(null, SizeBudget.of(null, null));
    assertEquals(
        "choose one of --avg-bits and --target-size",
        assertThrows(OnnxqException.class, () -> SizeBudget.of(6.0, 4.0)).getMessage());
    assertEquals(
        "--avg-bits must be 2 to 8, got 9.0",
        assertThrows(OnnxqException.class, () -> SizeBudget.of(9.0, null)).getMessage());
    assertThrows(OnnxqException.class, () -> SizeBudget.of(null, -1.0));
  }

  @Test
  void recipesValidateThemselvesToo() {
    assertThrows(
        OnnxqException.class,
        () -> new FqVit(ObserverKind.MINMAX, WeightRange.FULL, true, false, 4));
    assertThrows(OnnxqException.class, () -> AdaLog.of(5, 4));
    assertThrows(
        OnnxqException.class, () -> new Settings(0, 10, Emit.FUNCTIONS, LayerOverrides.NONE));
    assertEquals(WeightRange.FULL, WeightRange.parse("Full"));
  }

  @Test
  void layerOverridesParseAndDecide() {
    LayerOverrides o =
        LayerOverrides.parse(List.of("blocks.0.*"), List.of("blocks.*=6", "blocks.1.mlp.fc?=4"));
    assertEquals(null, o.forLayer("blocks.0.attn.qkv").orElseThrow().bits(), "keep-float wins");
    assertEquals(6, o.forLayer("blocks.2.attn.proj").orElseThrow().bits());
    assertEquals(
        4, o.forLayer("blocks.1.mlp.fc2").orElseThrow().bits(), "the last matching width wins");
    assertTrue(o.forLayer("head").isEmpty());
    assertEquals(
        "--bits takes GLOB=N (e.g. 'head=8'), got 'head'",
        assertThrows(OnnxqException.class, () -> LayerOverrides.parse(null, List.of("head")))
            .getMessage());
    assertEquals(
        "--bits 'head=9': N must be 2 to 8",
        assertThrows(OnnxqException.class, () -> LayerOverrides.parse(null, List.of("head=9")))
            .getMessage());
  }
}
