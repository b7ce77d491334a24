package io.onnxq;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;

/**
 * The package layering of the production code (README "Layout"): a layer may use any layer below
 * it, never one above, and every package belongs to a layer. A failure lists each offending
 * dependency with its class, member and source line.
 */
@AnalyzeClasses(packages = "io.onnxq", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  /**
   * Bottom to top; each name is a package under io.onnxq with its sub-packages. "root" is io.onnxq
   * itself (OnnxqException only).
   */
  static final List<String> LAYERS_BOTTOM_UP =
      List.of(
          "root",
          "proto",
          "model",
          "quant",
          "data",
          "ort",
          "normalize",
          "pattern",
          "calib",
          "recipe",
          "plan",
          "runtime",
          "ops",
          "rewrite",
          "verify",
          "convert",
          "eval",
          "cli");

  @ArchTest static final ArchRule layersOnlyDependDownwards = layering();

  static ArchRule layering() {
    LayeredArchitecture arch = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (String layer : LAYERS_BOTTOM_UP) {
      arch =
          arch.layer(layer)
              .definedBy(layer.equals("root") ? "io.onnxq" : "io.onnxq." + layer + "..");
    }
    for (int i = 0; i < LAYERS_BOTTOM_UP.size(); i++) {
      String layer = LAYERS_BOTTOM_UP.get(i);
      String[] below = LAYERS_BOTTOM_UP.subList(0, i).toArray(String[]::new);
      arch =
          below.length == 0
              ? arch.whereLayer(layer).mayNotAccessAnyLayer()
              : arch.whereLayer(layer).mayOnlyAccessLayers(below);
    }
    return arch.ensureAllClassesAreContainedInArchitecture()
        .because(
            "each layer may use only the layers below it: " + String.join(" < ", LAYERS_BOTTOM_UP));
  }
}
