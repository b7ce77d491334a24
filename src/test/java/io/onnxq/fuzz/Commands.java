package io.onnxq.fuzz;

import java.nio.file.Path;
import java.util.Random;

/** Cheap command lines on the Fashion-MNIST ViT that the generators put their odd input into. */
final class Commands {
  private Commands() {}

  /** Writes valid eval data (4 samples + labels) into dir. */
  static void evalData(Fixtures fx, Path dir) {
    Fixtures.write(dir.resolve("data.npy"), fx.dataNpy(4));
    Fixtures.write(dir.resolve("labels.npy"), fx.labelsNpy(4));
  }

  static FuzzCase inspect(FuzzCase c, Random r, Path model) {
    return r.nextBoolean()
        ? c.args("inspect", model, "--json").expect(FuzzCase.Result.JSON)
        : c.args("inspect", model);
  }

  static FuzzCase eval(FuzzCase c, Fixtures fx, Path model) {
    evalData(fx, c.dir);
    return c.args(
            "eval",
            model,
            "--data",
            c.dir.resolve("data.npy"),
            "--labels",
            c.dir.resolve("labels.npy"),
            "--batch-size",
            4,
            "--json")
        .expect(FuzzCase.Result.JSON);
  }

  /** A small convert (4 calibration samples) writing out.onnx into the case folder. */
  static FuzzCase convert(FuzzCase c, Path model, Path calib) {
    Path out = c.dir.resolve("out.onnx");
    return c.args(
            "convert",
            model,
            "--calib",
            calib,
            "--calib-count",
            4,
            "--batch-size",
            4,
            "-o",
            out,
            "--quiet")
        .output(out)
        .expect(FuzzCase.Result.MODEL);
  }

  /** A model under test through inspect (most cases), eval or a small convert. */
  static FuzzCase onModel(FuzzCase c, Random r, Fixtures fx, Path model) {
    int pick = r.nextInt(20);
    if (pick < 12) return inspect(c, r, model);
    if (pick < 18) return eval(c, fx, model);
    Fixtures.write(c.dir.resolve("calib.npy"), fx.dataNpy(4));
    return convert(c, model, c.dir.resolve("calib.npy"));
  }
}
