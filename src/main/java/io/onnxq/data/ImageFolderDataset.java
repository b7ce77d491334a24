package io.onnxq.data;

import io.onnxq.OnnxqException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images in a folder (and its {@code images/} subfolder), decoded and preprocessed lazily in {@link
 * #sample} so memory stays flat however many images there are.
 *
 * <p>With a labels TSV ({@code labels.tsv} in the folder by default) the samples are exactly the
 * TSV's rows in order: column 1 is a path relative to the folder, column 2 the class index, further
 * columns are ignored, and a first line whose second column does not look like an integer (optional
 * sign and digits) is a header; an integer too large for a class index is an error. Without one,
 * the samples are all .jpg/.jpeg/.png files sorted by relative path, so runs are repeatable.
 */
public final class ImageFolderDataset implements Dataset {
  public static final String LABELS_FILE = "labels.tsv";

  private final Path root;
  private final Preprocess preprocess;
  private final int imageSize;
  private final List<String> files; // relative to root, '/'-separated
  private final long[] labels; // null when unlabelled

  /**
   * @param labelsTsvOrNull labels file to use; null means {@code root/labels.tsv} if it exists
   * @param limit keep only the first {@code limit} samples; <= 0 keeps all
   */
  public ImageFolderDataset(
      Path root, Preprocess preprocess, int imageSize, Path labelsTsvOrNull, int limit) {
    if (!Files.isDirectory(root)) {
      throw new OnnxqException("image folder not found: " + root);
    }
    this.root = root;
    this.preprocess = preprocess;
    this.imageSize = imageSize;
    Path tsv = labelsTsvOrNull;
    if (tsv == null && Files.isRegularFile(root.resolve(LABELS_FILE))) {
      tsv = root.resolve(LABELS_FILE);
    }
    List<String> names = new ArrayList<>();
    List<Long> labelList = new ArrayList<>();
    if (tsv != null) {
      readLabels(root, tsv, names, labelList);
    } else {
      names = listImages(root);
    }
    if (names.isEmpty()) {
      throw new OnnxqException(
          "no images in "
              + root
              + (tsv != null ? " (" + tsv + " lists none)" : " (looked for .jpg, .jpeg, .png)"));
    }
    int n = limit > 0 ? Math.min(limit, names.size()) : names.size();
    files = List.copyOf(names.subList(0, n));
    if (tsv != null) {
      labels = new long[n];
      for (int i = 0; i < n; i++) {
        labels[i] = labelList.get(i);
      }
    } else {
      labels = null;
    }
  }

  static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    // Skip dot files such as macOS "._x.jpg" resource forks, which are not images.
    return !n.startsWith(".") && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
  }

  static List<String> listImages(Path root) {
    List<String> out = new ArrayList<>();
    addImages(root, "", out);
    if (Files.isDirectory(root.resolve("images"))) {
      addImages(root.resolve("images"), "images/", out);
    }
    out.sort(null);
    return out;
  }

  private static void addImages(Path dir, String prefix, List<String> out) {
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> Files.isRegularFile(p) && isImageName(p.getFileName().toString()))
          .forEach(p -> out.add(prefix + p.getFileName()));
    } catch (IOException e) {
      throw new OnnxqException("cannot list image folder " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Parses the TSV into parallel lists; every listed image must exist. */
  static void readLabels(Path root, Path tsv, List<String> names, List<Long> labels) {
    if (!Files.isRegularFile(tsv)) {
      throw new OnnxqException("labels file not found: " + tsv);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OnnxqException("cannot read labels file " + tsv + ": " + e.getMessage(), e);
    }
    boolean first = true;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] cols = line.split("\t");
      if (cols.length < 2) {
        throw new OnnxqException(
            tsv + " line " + (i + 1) + ": expected <file>TAB<class index>, got '" + line + "'");
      }
      String field = cols[1].strip();
      boolean integerLike = field.matches("[+-]?\\d+");
      if (first && !integerLike) {
        first = false;
        continue; // header line: only when its class column is not a number at all
      }
      first = false;
      if (!integerLike) {
        throw new OnnxqException(
            tsv + " line " + (i + 1) + ": class index '" + cols[1] + "' is not an integer");
      }
      long label;
      try {
        label = Long.parseLong(field);
      } catch (NumberFormatException e) {
        throw new OnnxqException(
            tsv + " line " + (i + 1) + ": class index '" + field + "' is out of range");
      }
      String name = cols[0].strip();
      if (!Files.isRegularFile(root.resolve(name))) {
        throw new OnnxqException(
            tsv + " line " + (i + 1) + ": image " + root.resolve(name) + " does not exist");
      }
      names.add(name);
      labels.add(label);
    }
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public int[] sampleShape() {
    return new int[] {3, imageSize, imageSize};
  }

  @Override
  public float[] sample(int index) {
    Path file = root.resolve(files.get(index));
    RgbImage img = ImageDecoder.decode(file);
    try {
      return preprocess.apply(img, imageSize);
    } catch (OnnxqException e) {
      throw new OnnxqException(file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean hasLabels() {
    return labels != null;
  }

  @Override
  public long label(int index) {
    if (labels == null) {
      return Dataset.super.label(index);
    }
    return labels[index];
  }

  @Override
  public String sampleName(int index) {
    return files.get(index);
  }

  @Override
  public String describe() {
    Path name = root.toAbsolutePath().normalize().getFileName();
    return (name == null ? root.toString() : name.toString())
        + " ("
        + files.size()
        + " images, "
        + preprocess.name().toLowerCase(Locale.ROOT)
        + " preprocessing"
        + (labels != null ? ", labelled" : "")
        + ")";
  }
}
