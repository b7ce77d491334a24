package io.onnxq.data;

import io.onnxq.OnnxqException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy .npy file (format 1.0, 2.0 or 3.0; little-endian; C order).
 *
 * <p>{@link #read} parses and validates only the header; element data is read from the file on
 * demand. That keeps a 1000x3x224x224 calibration tensor (600 MB) out of memory until a caller asks
 * for it, and {@link #readFloatRows} lets a dataset read one sample at a time.
 */
public final class NpyArray {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  // Chunked reads keep each ByteBuffer well below the 2 GB limit.
  private static final int CHUNK_BYTES = 16 << 20;
  private static final Pattern DESCR =
      Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN =
      Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  private final Path file;
  private final String dtype;
  private final long[] shape;
  private final long dataOffset;

  private NpyArray(Path file, String dtype, long[] shape, long dataOffset) {
    this.file = file;
    this.dtype = dtype;
    this.shape = shape;
    this.dataOffset = dataOffset;
  }

  /** Parses the header and checks the file holds all the data it declares. */
  public static NpyArray read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileSize = ch.size();
      // The prefix is 10 bytes (v1) or 12 (v2/v3); tiny files are rejected below.
      ByteBuffer pre =
          ByteBuffer.allocate((int) Math.min(12, fileSize)).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, pre, 0, file);
      pre.flip();
      byte[] magic = new byte[6];
      if (pre.remaining() < 10) {
        throw bad(file, "not an npy file (too short for a header)");
      }
      pre.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw bad(file, "not an npy file (bad magic)");
      }
      int major = pre.get() & 0xff;
      pre.get(); // minor version carries no meaning for reading
      long headerLen;
      int prefix;
      if (major == 1) {
        headerLen = pre.getShort() & 0xffff;
        prefix = 10;
      } else if (major == 2 || major == 3) {
        if (pre.remaining() < 4) {
          throw bad(file, "truncated npy header");
        }
        headerLen = pre.getInt() & 0xffffffffL;
        prefix = 12;
      } else {
        throw bad(file, "unsupported npy format version " + major);
      }
      if (prefix + headerLen > fileSize || headerLen > (1 << 24)) {
        throw bad(file, "truncated npy header");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, prefix, file);
      // Version 3 only differs by allowing UTF-8 in the header dict.
      String header =
          new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      NpyArray a = parseHeader(file, header, prefix + headerLen);
      long need = a.dataOffset + a.elementCount() * a.itemSize();
      if (fileSize < need) {
        throw bad(
            file,
            "truncated: header declares shape "
                + Arrays.toString(a.shape)
                + " ("
                + (need - a.dataOffset)
                + " data bytes) but the file has only "
                + Math.max(0, fileSize - a.dataOffset));
      }
      return a;
    } catch (NoSuchFileException e) {
      throw new OnnxqException("npy file not found: " + file);
    } catch (IOException e) {
      throw new OnnxqException("cannot read npy file " + file + ": " + e.getMessage(), e);
    }
  }

  private static NpyArray parseHeader(Path file, String header, long dataOffset) {
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw bad(file, "malformed npy header: " + header.trim());
    }
    String dtype = d.group(1);
    if (f.group(1).equals("True")) {
      throw bad(file, "fortran_order=True arrays are not supported; save with C order");
    }
    if (itemSize(dtype) < 0) {
      String why = dtype.startsWith(">") ? " (big-endian)" : "";
      throw bad(
          file, "unsupported dtype '" + dtype + "'" + why + "; expected <f4, <i8, <i4 or |u1");
    }
    String[] parts = s.group(1).split(",");
    long[] shape =
        Arrays.stream(parts)
            .map(String::trim)
            .filter(p -> !p.isEmpty())
            .mapToLong(
                p -> {
                  try {
                    return Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                  } catch (NumberFormatException e) {
                    throw bad(file, "malformed shape in npy header: (" + s.group(1) + ")");
                  }
                })
            .toArray();
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw bad(file, "negative dimension in npy header");
      }
      // Refuse shapes whose byte size overflows a long (e.g. (100000, 100000, 100000) of <f8-like
      // sizes) here, so later size arithmetic never overflows.
      if (dim != 0 && count > Long.MAX_VALUE / 8 / dim) {
        throw bad(file, "shape (" + s.group(1).trim() + ") in npy header has too many elements");
      }
      count *= dim;
    }
    return new NpyArray(file, dtype, shape, dataOffset);
  }

  private static int itemSize(String dtype) {
    switch (dtype) {
      case "<f4":
      case "<i4":
        return 4;
      case "<i8":
        return 8;
      case "|u1":
      case "<u1":
        return 1;
      default:
        return -1;
    }
  }

  public Path file() {
    return file;
  }

  /** NumPy dtype string as stored in the header, e.g. "&lt;f4". */
  public String dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private int itemSize() {
    return itemSize(dtype);
  }

  /** All elements of a float32 array. */
  public float[] asFloats() {
    requireFloat();
    int n = toIntCount(elementCount());
    float[] out = new float[n];
    readFloats(0, out);
    return out;
  }

  /**
   * Rows [firstRow, firstRow + rows) of a float32 array, where a row is one index along the first
   * dimension (one sample of an NCHW tensor).
   */
  public float[] readFloatRows(long firstRow, int rows) {
    requireFloat();
    if (shape.length == 0) {
      throw bad(file, "a 0-d array has no rows");
    }
    if (firstRow < 0 || rows < 0 || firstRow + rows > shape[0]) {
      throw new IndexOutOfBoundsException(
          "rows " + firstRow + ".." + (firstRow + rows) + " of " + shape[0] + " in " + file);
    }
    long rowElems = shape[0] == 0 ? 0 : elementCount() / shape[0];
    float[] out = new float[toIntCount(rowElems * rows)];
    readFloats(firstRow * rowElems, out);
    return out;
  }

  /** Convenience for {@link #read} then {@link #readFloatRows}. */
  public static float[] readFloatRange(Path file, long firstRow, int rows) {
    return read(file).readFloatRows(firstRow, rows);
  }

  /** All elements of an integer array (int64, int32 or uint8), widened to long. */
  public long[] asLongs() {
    int size = itemSize();
    if (dtype.equals("<f4")) {
      throw bad(file, "expected an integer array but dtype is float32 ('<f4')");
    }
    int n = toIntCount(elementCount());
    long[] out = new long[n];
    int perChunk = CHUNK_BYTES / size;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int done = 0; done < n; ) {
        int k = Math.min(perChunk, n - done);
        ByteBuffer b = ByteBuffer.allocate(k * size).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, dataOffset + (long) done * size, file);
        b.flip();
        for (int i = 0; i < k; i++) {
          out[done + i] = size == 8 ? b.getLong() : size == 4 ? b.getInt() : (b.get() & 0xff);
        }
        done += k;
      }
    } catch (IOException e) {
      throw new OnnxqException("cannot read npy file " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  private void readFloats(long firstElem, float[] out) {
    int perChunk = CHUNK_BYTES / 4;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int done = 0; done < out.length; ) {
        int k = Math.min(perChunk, out.length - done);
        ByteBuffer b = ByteBuffer.allocate(k * 4).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, dataOffset + (firstElem + done) * 4, file);
        b.flip();
        b.asFloatBuffer().get(out, done, k);
        done += k;
      }
    } catch (IOException e) {
      throw new OnnxqException("cannot read npy file " + file + ": " + e.getMessage(), e);
    }
  }

  private void requireFloat() {
    if (!dtype.equals("<f4")) {
      throw bad(file, "expected float32 ('<f4') data but dtype is '" + dtype + "'");
    }
  }

  private int toIntCount(long n) {
    if (n > Integer.MAX_VALUE - 8) {
      throw bad(file, "array of " + n + " elements is too large to load at once");
    }
    return (int) n;
  }

  /** Fills buf from file position pos; the file ending first means it is truncated. */
  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file)
      throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw bad(file, "truncated: unexpected end of file");
      }
      pos += r;
    }
  }

  public static void writeFloat(Path file, float[] data, int[] shape) {
    checkCount(file, data.length, shape);
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    write(file, "<f4", shape, b);
  }

  public static void writeLong(Path file, long[] data, int[] shape) {
    checkCount(file, data.length, shape);
    ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    write(file, "<i8", shape, b);
  }

  private static void checkCount(Path file, int n, int[] shape) {
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    if (count != n) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " needs "
              + count
              + " elements, got "
              + n
              + " for "
              + file);
    }
  }

  private static void write(Path file, String dtype, int[] shape, ByteBuffer data) {
    StringBuilder dims = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      dims.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    if (shape.length == 1) {
      dims.append(','); // Python's 1-tuple syntax
    }
    String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    // NumPy pads the header with spaces so the data starts on a 64-byte boundary.
    boolean v1 = dict.length() + 11 + 64 < 65536;
    int prefix = v1 ? 10 : 12;
    int total = prefix + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - total) + "\n";
    ByteBuffer head = ByteBuffer.allocate(prefix + header.length()).order(ByteOrder.LITTLE_ENDIAN);
    head.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
    if (v1) {
      head.putShort((short) header.length());
    } else {
      head.putInt(header.length());
    }
    head.put(header.getBytes(StandardCharsets.ISO_8859_1)).flip();
    data.rewind();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      while (head.hasRemaining()) {
        ch.write(head);
      }
      while (data.hasRemaining()) {
        ch.write(data);
      }
    } catch (IOException e) {
      throw new OnnxqException("cannot write npy file " + file + ": " + e.getMessage(), e);
    }
  }

  private static OnnxqException bad(Path file, String why) {
    return new OnnxqException(file + ": " + why);
  }
}
