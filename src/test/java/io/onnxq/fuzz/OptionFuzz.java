package io.onnxq.fuzz;

import static io.onnxq.fuzz.NpyFuzz.pick;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Odd option values and output paths on valid inputs, plus a few full conversions. */
final class OptionFuzz {
  private final Fixtures fx;

  OptionFuzz(Fixtures fx) {
    this.fx = fx;
  }

  FuzzCase make(Random r, Path dir) throws IOException {
    Path model = dir.resolve("model.onnx");
    Fixtures.write(model, fx.vit);
    Path calib = dir.resolve("calib.npy");
    Fixtures.write(calib, fx.dataNpy(4));
    Commands.evalData(fx, dir);
    Path data = dir.resolve("data.npy");
    Path labels = dir.resolve("labels.npy");
    Path out = dir.resolve("out.onnx");
    String num = pick(r, "0", "-1", "-2147483648", "2147483647", "99999999999", "abc", "", "1.5");
    int k = r.nextInt(100);
    FuzzCase c;
    if (k < 8) {
      c = new FuzzCase("option", "convert-batch-size=" + num, dir);
      convert(c, model, calib, out).args("--batch-size", num);
    } else if (k < 14) {
      c = new FuzzCase("option", "eval-batch-size=" + num, dir);
      eval(c, model, data, labels).args("--batch-size", num);
    } else if (k < 20) {
      String opt = pick(r, "--runs", "--warmup", "--threads");
      c = new FuzzCase("option", "bench" + opt + "=" + num, dir);
      c.args("bench", model, "--data", data, "--runs", 1, "--warmup", 0, opt, num);
    } else if (k < 28) {
      c = new FuzzCase("option", "calib-count=" + num, dir);
      c.args("convert", model, "--calib", calib, "--calib-count", num, "-o", out, "--quiet")
          .output(out)
          .expect(FuzzCase.Result.MODEL);
    } else if (k < 32) {
      String opt = pick(r, "--calib-count", "--batch-size");
      c = new FuzzCase("option", "verify" + opt + "=" + num, dir);
      c.args("verify", model, "--calib", calib, opt, num);
    } else if (k < 36) {
      c = new FuzzCase("option", "eval-limit=" + num, dir);
      eval(c, model, data, labels).args("--limit", num);
    } else if (k < 40) {
      String opt =
          pick(
              r,
              "--image-size",
              "--preprocess",
              "--method",
              "--weight-range",
              "--emit",
              "--wbits",
              "--abits",
              "--attn-bits");
      String v = pick(r, num, "bogus", "DEIT", "4", "16");
      c = new FuzzCase("option", "convert" + opt + "=" + v, dir);
      convert(c, model, calib, out).args(opt, v);
    } else if (k < 46) {
      String cmd = pick(r, "frobnicate", "", "-x", "Convert", "inspect2", "--bogus");
      c = new FuzzCase("option", "unknown-command=" + cmd, dir);
      c.args(cmd, model);
    } else if (k < 54) {
      String cmd = pick(r, "inspect", "eval", "convert", "verify", "bench");
      String opt = pick(r, "--bogus", "-z", "--calib-count=", "--batch-size", "--json=maybe", "--");
      c = new FuzzCase("option", cmd + "-unknown-option=" + opt, dir);
      switch (cmd) {
        case "inspect" -> c.args("inspect", model);
        case "eval" -> eval(c, model, data, labels);
        case "convert" -> convert(c, model, calib, out);
        case "verify" -> c.args("verify", model, "--calib", calib);
        default -> c.args("bench", model, "--data", data, "--runs", 1, "--warmup", 0);
      }
      c.args(opt);
    } else if (k < 58) {
      c = new FuzzCase("option", "o=model", dir);
      c.args(
          "convert",
          model,
          "--calib",
          calib,
          "--calib-count",
          4,
          "--batch-size",
          4,
          "-o",
          r.nextBoolean() ? model : dir.resolve(".").resolve("model.onnx"),
          "--quiet");
    } else if (k < 62) {
      c = new FuzzCase("option", "o=calib", dir);
      c.args(
          "convert",
          model,
          "--calib",
          calib,
          "--calib-count",
          4,
          "--batch-size",
          4,
          "-o",
          calib,
          "--quiet");
    } else if (k < 66) {
      c = new FuzzCase("option", "report=o", dir);
      convert(c, model, calib, out).args("--report", out);
    } else if (k < 70) {
      boolean m = r.nextBoolean();
      c = new FuzzCase("option", m ? "report=model" : "report=calib", dir);
      convert(c, model, calib, out).args("--report", m ? model : calib);
    } else if (k < 75) {
      Path deep = dir.resolve("missing").resolve(r.nextBoolean() ? "out.onnx" : "x/out.onnx");
      c = new FuzzCase("option", "o-missing-dir", dir);
      c.args(
              "convert",
              model,
              "--calib",
              calib,
              "--calib-count",
              4,
              "--batch-size",
              4,
              "-o",
              deep,
              "--quiet")
          .output(deep)
          .expect(FuzzCase.Result.MODEL);
    } else if (k < 78) {
      Path rep = dir.resolve("nodir").resolve("r.json");
      c = new FuzzCase("option", "report-missing-dir", dir);
      convert(c, model, calib, out).args("--report", rep).report(rep);
    } else if (k < 82) {
      Files.createDirectories(dir.resolve("outdir"));
      Files.writeString(dir.resolve("file"), "x");
      int w = r.nextInt(4);
      Files.createDirectories(dir.resolve("outdir").resolve("inner"));
      Path o =
          new Path[] {
                dir.resolve("outdir"),
                dir.resolve("outdir").resolve("inner"),
                dir.resolve("file").resolve("out.onnx"),
                Path.of("/proc/out.onnx")
              }
              [w];
      c =
          new FuzzCase(
              "option",
              "o=" + new String[] {"existing-folder", "nested-folder", "under-a-file", "/proc"}[w],
              dir);
      c.args(
          "convert",
          model,
          "--calib",
          calib,
          "--calib-count",
          4,
          "--batch-size",
          4,
          "-o",
          o,
          "--quiet");
    } else if (k < 86) {
      String[][] misc = {
        {},
        {"--help"},
        {"--version"},
        {"convert", model.toString()},
        {"eval", model.toString()},
        {"inspect"},
        {"inspect", ""},
        {
          "eval",
          model.toString(),
          "--data",
          data.toString(),
          "--ref",
          dir.resolve("nope.onnx").toString()
        },
        {"convert", "--help"}
      };
      int i = r.nextInt(misc.length);
      c = new FuzzCase("option", "misc" + i, dir);
      c.args((Object[]) misc[i]);
    } else if (k < 90) {
      c = new FuzzCase("option", "eval-ref-self", dir);
      c.args("eval", model, model, "--data", data, "--ref", model, "--batch-size", 2, "--json")
          .expect(FuzzCase.Result.JSON);
    } else {
      String[] modes = {
        "",
        "--pts --lis",
        "--full",
        "--emit inline",
        "--method percentile",
        "--method ema",
        "--weight-range full",
        "--pts",
        "--lis --attn-bits 8"
      };
      String mode = pick(r, modes);
      c = new FuzzCase("option", "full-convert[" + mode + "]", dir);
      Path rep = dir.resolve("report.json");
      convert(c, model, calib, out).args("--report", rep).report(rep);
      if (!mode.isEmpty()) c.args((Object[]) mode.split(" "));
    }
    return c;
  }

  private static FuzzCase convert(FuzzCase c, Path model, Path calib, Path out) {
    return c.args("convert", model, "--calib", calib, "--calib-count", 4, "-o", out, "--quiet")
        .output(out)
        .expect(FuzzCase.Result.MODEL);
  }

  private static FuzzCase eval(FuzzCase c, Path model, Path data, Path labels) {
    return c.args("eval", model, "--data", data, "--labels", labels, "--json")
        .expect(FuzzCase.Result.JSON);
  }
}
