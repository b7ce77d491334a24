package io.onnxq.cli;

import io.onnxq.data.Dataset;
import io.onnxq.data.Datasets;
import io.onnxq.data.Preprocess;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Shared data options: image preprocessing recipe and input size. */
final class DataOptions {
  @Option(
      names = "--preprocess",
      defaultValue = "deit",
      description =
          "image preprocessing: deit (bicubic short side 248, crop 224, ImageNet mean/std), "
              + "vit (mean = std = 0.5, crop ratio 0.9) or none (default: ${DEFAULT-VALUE}); ignored for .npy")
  String preprocess;

  @Option(
      names = "--image-size",
      defaultValue = "224",
      converter = PositiveInt.class,
      description = "model input size for image folders (default: ${DEFAULT-VALUE})")
  int imageSize;

  Dataset open(Path path, Path labels, int limit) {
    return Datasets.open(
        path, Preprocess.parse(preprocess.toLowerCase(Locale.ROOT)), imageSize, labels, limit);
  }
}
