package io.onnxq.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One fuzz case: a command line run in its own folder, the paths it may create when it succeeds,
 * and how to check a successful result.
 */
final class FuzzCase {
  /** What a successful run must have produced. */
  enum Result {
    STDOUT,
    JSON,
    MODEL,
    NONE
  }

  final String kind;
  final String name;
  final Path dir;
  final List<String> args = new ArrayList<>();

  /** Paths a successful run may create or replace (with their missing parent folders). */
  final List<Path> outputs = new ArrayList<>();

  /** Reports (JSON files) a successful run must have written. */
  final List<Path> reports = new ArrayList<>();

  /** FIFOs that a hung reader may be blocked on; opened for writing after a timeout to free it. */
  final List<Path> fifos = new ArrayList<>();

  Result result = Result.STDOUT;

  FuzzCase(String kind, String name, Path dir) {
    this.kind = kind;
    this.name = name;
    this.dir = dir;
  }

  FuzzCase args(Object... a) {
    for (Object o : a) args.add(o.toString());
    return this;
  }

  FuzzCase output(Path p) {
    outputs.add(p);
    return this;
  }

  FuzzCase report(Path p) {
    outputs.add(p);
    reports.add(p);
    return this;
  }

  FuzzCase expect(Result r) {
    result = r;
    return this;
  }

  @Override
  public String toString() {
    return kind + "/" + name;
  }
}
