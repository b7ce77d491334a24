package io.onnxq.data;

import io.onnxq.OnnxqException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Opens calibration/evaluation data from what the user points at on the command line. */
public final class Datasets {
  private Datasets() {}

  /**
   * @param path an image folder or a float32 N x C x H x W .npy file
   * @param preprocess applied to images; ignored for .npy data, which is taken as preprocessed
   * @param imageSize model input size for images (e.g. 224)
   * @param labelsOrNull a .npy of labels for .npy data, a labels TSV for a folder (a folder's own
   *     labels.tsv is used when null)
   * @param limit first N samples only; <= 0 means all
   */
  public static Dataset open(
      Path path, Preprocess preprocess, int imageSize, Path labelsOrNull, int limit) {
    if (!Files.exists(path)) {
      throw new OnnxqException("data not found: " + path);
    }
    if (labelsOrNull != null && !Files.exists(labelsOrNull)) {
      throw new OnnxqException("labels file not found: " + labelsOrNull);
    }
    String lower =
        path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (Files.isDirectory(path)) {
      if (labelsOrNull != null
          && labelsOrNull.toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
        throw new OnnxqException(
            "labels for an image folder must be a .tsv file (file<TAB>class), not " + labelsOrNull);
      }
      return new ImageFolderDataset(path, preprocess, imageSize, labelsOrNull, limit);
    }
    if (lower.endsWith(".npy")) {
      return new NpyDataset(path, labelsOrNull, limit);
    }
    throw new OnnxqException(
        "calibration/evaluation data must be a .npy file or an image folder: " + path);
  }
}
