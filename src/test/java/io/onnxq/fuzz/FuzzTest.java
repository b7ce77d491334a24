package io.onnxq.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.onnxq.cli.Main;
import io.onnxq.proto.Onnx.ModelProto;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzz suite over the command line, run in-process through {@link Main#run}.
 *
 * <p>Every case must end either with exit 0 and a valid result (JSON that parses, an ONNX file that
 * parses, a report that parses) and no exception text on stderr, or with a non-zero exit and
 * exactly one stderr line starting with {@code onnxq: error:} (no "Exception", "\tat ", "internal
 * error" or control characters). Nothing in the case's folder may be created, changed or removed
 * except the declared outputs of a successful run. Each case has a timeout, so a hang (a FIFO, a
 * huge allocation) is a failure.
 *
 * <p>Properties: {@code onnxq.fuzz.seed} (default 20261201), {@code onnxq.fuzz.cases} (300), {@code
 * onnxq.fuzz.timeout} (seconds per case, 30), {@code onnxq.fuzz.only} (comma-separated case numbers
 * to rerun), {@code onnxq.fuzz.kinds} (comma-separated: model, npy, image, option), {@code
 * onnxq.fuzz.verbose} (print every case). All failures are collected and reported together at the
 * end, one line each.
 */
class FuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private ExecutorService pool = newPool();

  private static ExecutorService newPool() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz-case");
          t.setDaemon(true);
          return t;
        });
  }

  private record Outcome(int code, String out, String err, Throwable thrown) {}

  @Test
  void fuzzCommandLine() throws Exception {
    long seed = Long.getLong("onnxq.fuzz.seed", 20261201L);
    int cases = Integer.getInteger("onnxq.fuzz.cases", 300);
    int timeout = Integer.getInteger("onnxq.fuzz.timeout", 30);
    boolean verbose = Boolean.getBoolean("onnxq.fuzz.verbose");
    Set<Integer> only = new HashSet<>();
    for (String s : System.getProperty("onnxq.fuzz.only", "").split(",")) {
      if (!s.isBlank()) only.add(Integer.parseInt(s.strip()));
    }
    Set<String> kinds = new HashSet<>();
    for (String s : System.getProperty("onnxq.fuzz.kinds", "").split(",")) {
      if (!s.isBlank()) kinds.add(s.strip());
    }
    System.out.printf(
        "fuzz: seed %d, %d cases, %d s timeout per case (rerun: -Donnxq.fuzz.seed=%d"
            + " -Donnxq.fuzz.cases=%d -Donnxq.fuzz.only=N)%n",
        seed, cases, timeout, seed, cases);

    Fixtures fx = new Fixtures();
    ModelFuzz models = new ModelFuzz(fx);
    NpyFuzz npy = new NpyFuzz(fx);
    ImageFuzz images = new ImageFuzz(fx);
    OptionFuzz options = new OptionFuzz(fx);

    Map<String, int[]> perKind =
        new TreeMap<>(); // kind -> {cases, failures, ok exits, error exits}
    List<String> failures = new ArrayList<>();
    Map<String, Integer> subKinds = new TreeMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < cases; i++) {
      if (!only.isEmpty() && !only.contains(i)) continue;
      Random r = new Random(caseSeed(seed, i));
      int pick = r.nextInt(100);
      String kind = pick < 40 ? "model" : pick < 65 ? "npy" : pick < 80 ? "image" : "option";
      if (!kinds.isEmpty() && !kinds.contains(kind)) continue;
      Path dir = Files.createDirectories(root.resolve(String.format("case%05d", i)));
      FuzzCase c;
      try {
        c =
            pick < 40
                ? models.make(r, dir)
                : pick < 65
                    ? npy.make(r, dir)
                    : pick < 80 ? images.make(r, dir) : options.make(r, dir);
      } catch (Exception e) {
        failures.add(String.format("#%d generator failed: %s", i, e));
        continue;
      }
      int[] stats = perKind.computeIfAbsent(c.kind, k -> new int[4]);
      stats[0]++;
      long t0 = System.nanoTime();
      Set<String> rootBefore = listing(root);
      String problem = runCase(c, c.fifos.isEmpty() ? timeout : Math.min(timeout, FIFO_TIMEOUT));
      Set<String> rootAfter = listing(root);
      if (problem == null && !rootAfter.equals(rootBefore)) {
        problem =
            "left files beside its folder: "
                + rootAfter.stream().filter(n -> !rootBefore.contains(n)).toList();
      }
      for (String n : rootAfter) {
        if (!rootBefore.contains(n)) DirSnapshot.deleteTree(root.resolve(n));
      }
      subKinds.merge(c.kind + "/" + subKind(c.name), 1, Integer::sum);
      Outcome o = last;
      if (o != null) stats[o.code == 0 ? 2 : 3]++;
      String firstErr =
          o == null ? "" : o.err.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
      if (problem != null) {
        stats[1]++;
        failures.add(
            String.format(
                "#%d %s: %s | exit %s | stderr: %s",
                i,
                c,
                problem,
                o == null ? "-" : Integer.toString(o.code),
                firstErr.length() > 300 ? firstErr.substring(0, 300) : firstErr));
      }
      if (verbose || problem != null) {
        System.out.printf(
            "fuzz #%d %-55s %s %.1f s%s | %s%n",
            i,
            c,
            o == null ? "timeout" : "exit " + o.code,
            (System.nanoTime() - t0) / 1e9,
            problem == null ? "" : "  FAIL: " + problem,
            firstErr.length() > 200 ? firstErr.substring(0, 200) : firstErr);
      }
      DirSnapshot.deleteTree(dir);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    StringBuilder sum =
        new StringBuilder(String.format("fuzz: seed %d, %d cases in %.1f s;", seed, cases, secs));
    perKind.forEach(
        (k, v) ->
            sum.append(
                String.format(
                    " %s %d (%d exit 0, %d errors, %d FAILED);", k, v[0], v[2], v[3], v[1])));
    System.out.println(sum);
    System.out.println("fuzz: sub-kinds " + subKinds);
    if (!failures.isEmpty()) {
      fail(
          failures.size()
              + " failing fuzz case(s), seed "
              + seed
              + ":\n  "
              + String.join("\n  ", failures));
    }
  }

  private Outcome last;

  /**
   * Well-mixed per-case seed (java.util.Random's first draws are correlated for adjacent seeds).
   */
  static long caseSeed(long seed, int i) {
    long z = seed * 0x9E3779B97F4A7C15L + (i + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  /** A FIFO read should never block; such cases get a shorter timeout to keep a hang cheap. */
  private static final int FIFO_TIMEOUT = 10;

  private static Set<String> listing(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return new java.util.TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  /**
   * The case name up to its first parameter: "truncate@123" -> "truncate", "label=5[vit]" ->
   * "label".
   */
  static String subKind(String name) {
    int end = name.length();
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      boolean valueFollows =
          ch == '=' && i + 1 < name.length() && !Character.isLetter(name.charAt(i + 1));
      if (ch == '@' || ch == '[' || valueFollows || Character.isDigit(ch) && i > 0) {
        end = i;
        break;
      }
    }
    return name.substring(0, end);
  }

  /** Runs one case; returns what went wrong, or null. */
  private String runCase(FuzzCase c, int timeout) {
    last = null;
    DirSnapshot before = DirSnapshot.of(c.dir);
    ByteArrayOutputStream outBuf = new ByteArrayOutputStream();
    ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    PrintStream out = new PrintStream(outBuf, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(errBuf, true, StandardCharsets.UTF_8);
    String[] args = c.args.toArray(String[]::new);
    Future<Integer> f;
    int code;
    Throwable thrown = null;
    System.setOut(out);
    System.setErr(err);
    try {
      f =
          pool.submit(
              () -> {
                PrintWriter w =
                    new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
                int rc = Main.run(w, args);
                w.flush();
                return rc;
              });
      try {
        code = f.get(timeout, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        for (Path fifo : c.fifos) unblock(fifo);
        pool.shutdownNow();
        pool = newPool();
        return "timed out after " + timeout + " s (hang)";
      } catch (java.util.concurrent.ExecutionException e) {
        thrown = e.getCause();
        code = Integer.MIN_VALUE;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    Outcome o =
        new Outcome(
            code,
            outBuf.toString(StandardCharsets.UTF_8),
            errBuf.toString(StandardCharsets.UTF_8),
            thrown);
    last = o;
    if (thrown != null) return "Main.run threw " + thrown;
    List<String> errLines = o.err.lines().filter(l -> !l.isBlank()).toList();
    String bad = errLines.stream().filter(FuzzTest::looksInternal).findFirst().orElse(null);
    Set<String> allowed = new HashSet<>();
    if (code == 0) {
      for (Path p : c.outputs) {
        for (Path q = p; q != null && q.startsWith(c.dir) && !q.equals(c.dir); q = q.getParent()) {
          allowed.add(c.dir.relativize(q).toString());
        }
      }
    }
    List<String> changes = DirSnapshot.of(c.dir).diff(before, allowed);
    if (!changes.isEmpty()) {
      return (code == 0 ? "succeeded but " : "failed and ")
          + "left the folder changed: "
          + String.join(", ", changes.subList(0, Math.min(5, changes.size())));
    }
    if (code == 0) {
      if (bad != null) return "exit 0 with internal text on stderr: " + bad;
      return checkResult(c, o);
    }
    if (errLines.size() != 1) {
      return errLines.size()
          + " stderr lines instead of one"
          + (bad == null ? "" : " (one looks internal: " + bad.strip() + ")");
    }
    if (bad != null) return "error with internal text: " + bad;
    if (!errLines.get(0).startsWith("onnxq: error:"))
      return "stderr line does not start with 'onnxq: error:'";
    if (errLines.get(0).chars().anyMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0x7f)) {
      return "control characters in the error line (raw input echoed)";
    }
    return null;
  }

  static boolean looksInternal(String line) {
    return line.contains("Exception")
        || line.contains("\tat ")
        || line.contains("internal error")
        || line.contains("Error:") && !line.startsWith("onnxq: error:");
  }

  private static String checkResult(FuzzCase c, Outcome o) {
    try {
      switch (c.result) {
        case JSON -> JSON.readTree(o.out);
        case MODEL -> {
          for (Path p : c.outputs) {
            if (c.reports.contains(p)) continue;
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
              return "exit 0 but no output " + c.dir.relativize(p);
            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(p));
            if (!m.hasGraph() || m.getGraph().getNodeCount() == 0)
              return "exit 0 but output has no graph";
          }
        }
        case STDOUT -> {
          if (o.out.isBlank()) return "exit 0 but nothing on stdout";
        }
        default -> {}
      }
      for (Path p : c.reports) {
        if (!Files.isRegularFile(p)) return "exit 0 but no report " + c.dir.relativize(p);
        JSON.readTree(p.toFile());
      }
    } catch (Exception e) {
      return "exit 0 but invalid result: " + e;
    }
    return null;
  }

  /** Frees a reader blocked opening a FIFO by opening its write end (from a daemon thread). */
  private static void unblock(Path fifo) {
    Thread t =
        new Thread(
            () -> {
              try (FileOutputStream os = new FileOutputStream(fifo.toFile())) {
                os.flush();
              } catch (Exception ignored) {
                // nothing was waiting, or the FIFO is gone
              }
            },
            "fuzz-unblock");
    t.setDaemon(true);
    t.start();
  }
}
