package io.onnxq.model;

import io.onnxq.OnnxqException;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The output files of one command, written as a unit that never destroys user data.
 *
 * <ul>
 *   <li>Every output is checked against every declared input and every other output before anything
 *       is written: an output that is (by real path, symlink or hard link) an input file, lies
 *       inside an input folder, or is another output is refused. Its folder must already exist.
 *   <li>{@link #write} puts each output's content into a fresh temporary file beside its target;
 *       {@link #commit} renames all of them into place only once all are complete. Any failure, and
 *       {@link #close} without a commit, deletes every temporary file and leaves no output behind
 *       (a target renamed before a later rename failed is restored, or removed if it was new).
 *   <li>Files are created without explicit permissions, so they get 0666 &amp; ~umask like any
 *       tool.
 * </ul>
 */
public final class OutputFiles implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Input(Path given, Path real, boolean folder, String what) {}

  private static final class Output {
    final Path given;
    final String what;
    final Path target;
    final boolean existed;
    Path tmp;
    Path backup;
    boolean moved;

    Output(Path given, String what, Path target, boolean existed) {
      this.given = given;
      this.what = what;
      this.target = target;
      this.existed = existed;
    }
  }

  private final List<Input> inputs = new ArrayList<>();
  private final List<Output> outputs = new ArrayList<>();
  private boolean committed;

  /** Declares a file or folder the command reads; a path that does not exist is ignored. */
  public OutputFiles input(Path path, String what) {
    if (path == null || !Files.exists(path)) return this;
    Input in;
    try {
      Path real = path.toRealPath();
      in = new Input(path, real, Files.isDirectory(real), what);
    } catch (IOException e) {
      return this; // unreadable: reading it will report the problem
    }
    for (Output o : outputs) check(o, in);
    inputs.add(in);
    return this;
  }

  /** Declares several input files (see {@link #input}). */
  public OutputFiles inputs(Collection<Path> paths, String what) {
    for (Path p : paths) input(p, what);
    return this;
  }

  /**
   * Declares an output and checks it at once against the inputs and outputs declared so far.
   *
   * @param what how the user named it, e.g. "-o" or "--report"
   */
  public OutputFiles output(Path path, String what) {
    Objects.requireNonNull(path, "path");
    Path abs = path.toAbsolutePath();
    Path name = abs.getFileName();
    Path parent = abs.getParent();
    if (name == null || parent == null)
      throw new OnnxqException("not a file path for " + what + ": " + path);
    if (!Files.exists(parent)) throw new OnnxqException("output folder does not exist: " + parent);
    if (!Files.isDirectory(parent))
      throw new OnnxqException("output folder is not a folder: " + parent);
    Path target;
    boolean existed = Files.exists(abs);
    try {
      if (existed) {
        if (Files.isDirectory(abs))
          throw new OnnxqException("output path is a folder; choose another " + what + ": " + path);
        target = abs.toRealPath(); // writing through a symlink replaces the file it points to
      } else {
        target = parent.toRealPath().resolve(name.toString());
      }
    } catch (IOException e) {
      throw new OnnxqException("cannot resolve output path " + path + ": " + e.getMessage(), e);
    }
    Output out = new Output(path, what, target, existed);
    for (Input in : inputs) check(out, in);
    for (Output o : outputs) {
      if (o.target.equals(out.target)
          || (o.existed && out.existed && sameFile(o.target, out.target))) {
        throw new OnnxqException(
            "output path is also the " + o.what + " output; choose another " + what + ": " + path);
      }
    }
    outputs.add(out);
    return this;
  }

  /** Whether some declared output already exists, i.e. would be replaced. */
  public boolean replacesExisting() {
    return outputs.stream().anyMatch(o -> o.existed);
  }

  private static void check(Output out, Input in) {
    if (in.folder) {
      if (out.target.startsWith(in.real) || (out.existed && linkedInside(out.target, in.real))) {
        throw new OnnxqException(
            "output path is inside "
                + in.what
                + " folder "
                + in.given
                + "; choose another "
                + out.what
                + ": "
                + out.given);
      }
    } else if (out.target.equals(in.real) || (out.existed && sameFile(out.target, in.real))) {
      throw new OnnxqException(
          "output path is " + in.what + "; choose another " + out.what + ": " + out.given);
    }
  }

  /**
   * Whether an existing output with several hard links shares its file with one inside the folder.
   */
  private static boolean linkedInside(Path target, Path folder) {
    try {
      Object n = Files.getAttribute(target, "unix:nlink");
      if (!(n instanceof Integer links) || links < 2) return false;
      try (Stream<Path> s = Files.walk(folder)) {
        return s.filter(Files::isRegularFile).anyMatch(p -> sameFile(p, target));
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes one declared output's whole content to its temporary file; nothing is visible yet. */
  public void write(Path path, ModelIO.Content content) {
    Output o = find(path);
    if (o.tmp != null) throw new IllegalStateException("written twice: " + path);
    if (committed) throw new IllegalStateException("already committed");
    Path dir = o.target.getParent();
    try {
      o.tmp = createHidden(dir, o.target.getFileName().toString(), ".tmp");
      try (FileChannel ch = FileChannel.open(o.tmp, StandardOpenOption.WRITE);
          OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        content.writeTo(
            new FilterOutputStream(os) { // the content may close its stream (Jackson does)
              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
              }

              @Override
              public void close() throws IOException {
                out.flush();
              }
            });
        os.flush();
        ch.force(true); // complete on disk before any rename
      }
    } catch (IOException e) {
      discard();
      throw new OnnxqException("cannot write " + path + ": " + describe(e), e);
    } catch (RuntimeException | Error e) {
      discard();
      throw e;
    }
  }

  /** Renames every written output into place; on failure, undoes the renames already done. */
  public void commit() {
    if (committed) throw new IllegalStateException("already committed");
    for (Output o : outputs) {
      if (o.tmp == null) {
        discard();
        throw new IllegalStateException("output not written: " + o.given);
      }
    }
    for (Output o : outputs) {
      try {
        if (Files.exists(o.target, LinkOption.NOFOLLOW_LINKS)) o.backup = backup(o.target);
        move(o.tmp, o.target);
        o.moved = true;
        o.tmp = null;
      } catch (IOException e) {
        rollback();
        throw new OnnxqException("cannot write " + o.given + ": " + describe(e), e);
      }
    }
    committed = true;
    for (Output o : outputs) {
      deleteQuietly(o.backup);
      o.backup = null;
    }
  }

  /** Without a commit, deletes every temporary file: no output is left behind. */
  @Override
  public void close() {
    if (!committed) discard();
  }

  private Output find(Path path) {
    for (Output o : outputs) if (o.given.equals(path)) return o;
    throw new IllegalArgumentException("not a declared output: " + path);
  }

  private void discard() {
    for (Output o : outputs) {
      deleteQuietly(o.tmp);
      o.tmp = null;
    }
  }

  private void rollback() {
    for (int i = outputs.size() - 1; i >= 0; i--) {
      Output o = outputs.get(i);
      if (o.moved) {
        try {
          if (o.backup != null) {
            move(o.backup, o.target);
            o.backup = null;
          } else if (!o.existed) {
            Files.deleteIfExists(o.target);
          }
        } catch (IOException ignored) {
          // best effort: the original is still in the backup file if this failed
        }
        o.moved = false;
      }
      deleteQuietly(o.backup);
      o.backup = null;
    }
    discard();
  }

  /**
   * A hard link to the current target so a failed commit can restore it; null where links are
   * unsupported.
   */
  private static Path backup(Path target) {
    Path dir = target.getParent();
    for (int attempt = 0; attempt < 10; attempt++) {
      Path b = dir.resolve(hiddenName(target.getFileName().toString(), ".bak"));
      try {
        return Files.createLink(b, target);
      } catch (FileAlreadyExistsException e) {
        // try another name
      } catch (IOException | UnsupportedOperationException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * Creates a new empty hidden file with a random name; no permissions given, so the umask applies.
   */
  private static Path createHidden(Path dir, String name, String suffix) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path p = dir.resolve(hiddenName(name, suffix));
      try {
        return Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) throw e;
      }
    }
  }

  private static String hiddenName(String name, String suffix) {
    byte[] r = new byte[8];
    RANDOM.nextBytes(r);
    String stem = name.length() > 100 ? name.substring(0, 100) : name;
    return "." + stem + "." + HexFormat.of().formatHex(r) + suffix;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  private static void deleteQuietly(Path p) {
    if (p == null) return;
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort
    }
  }
}
