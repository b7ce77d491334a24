package io.onnxq;

/**
 * A problem the user can fix (bad file, missing data, unsupported graph). Its message is one line
 * that names the problem; the CLI prints it without a stack trace and exits non-zero.
 */
public class OnnxqException extends RuntimeException {
  public OnnxqException(String message) {
    super(message);
  }

  public OnnxqException(String message, Throwable cause) {
    super(message, cause);
  }
}
