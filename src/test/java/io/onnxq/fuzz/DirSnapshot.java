package io.onnxq.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Names, kinds, sizes and hashes of everything under a folder (links and FIFOs are not followed).
 */
final class DirSnapshot {
  final Map<String, String> entries;

  private DirSnapshot(Map<String, String> entries) {
    this.entries = entries;
  }

  static DirSnapshot of(Path dir) {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          m.put(rel, "link->" + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          m.put(rel, "dir");
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          m.put(rel, Files.size(p) + ":" + sha256(p));
        } else {
          m.put(rel, "special");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DirSnapshot(m);
  }

  /** Differences from {@code before}, ignoring the given relative paths. */
  List<String> diff(DirSnapshot before, Set<String> allowed) {
    List<String> out = new ArrayList<>();
    Set<String> names = new TreeSet<>(before.entries.keySet());
    names.addAll(entries.keySet());
    for (String n : names) {
      if (allowed.contains(n)) continue;
      String a = before.entries.get(n);
      String b = entries.get(n);
      if (a == null) out.add("created " + n);
      else if (b == null) out.add("removed " + n);
      else if (!a.equals(b)) out.add("changed " + n);
    }
    return out;
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // left for the JUnit temp folder cleanup
        }
      }
    } catch (IOException ignored) {
      // best effort
    }
  }
}
