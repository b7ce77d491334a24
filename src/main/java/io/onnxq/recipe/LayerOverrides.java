package io.onnxq.recipe;

import io.onnxq.OnnxqException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-layer exceptions to a recipe, by glob over linear layers' module names ({@code *} any run of
 * characters, {@code ?} one): keep a layer in float, or quantize its weights and input at a given
 * width. The last matching rule wins. Planners apply them, so the plan holds the result.
 */
public record LayerOverrides(List<Rule> rules) {
  public static final LayerOverrides NONE = new LayerOverrides(List.of());

  /** Narrowest and widest width a layer may be given. */
  public static final int MIN_BITS = 2;

  public static final int MAX_BITS = 8;

  /**
   * @param bits the layer's weight and input width; null keeps the layer in float
   */
  public record Rule(String glob, Integer bits) {
    public boolean keepFloat() {
      return bits == null;
    }

    public boolean matches(String moduleName) {
      return regex(glob).matcher(moduleName).matches();
    }

    /** The flag that made the rule, for messages. */
    public String flag() {
      return keepFloat() ? "--keep-float '" + glob + "'" : "--bits '" + glob + "=" + bits + "'";
    }
  }

  public LayerOverrides {
    rules = List.copyOf(rules);
  }

  /** From {@code --keep-float GLOB} and {@code --bits GLOB=N} values (either list may be null). */
  public static LayerOverrides parse(List<String> keepFloat, List<String> bits) {
    List<Rule> rules = new ArrayList<>();
    if (keepFloat != null)
      for (String g : keepFloat) rules.add(new Rule(glob(g, "--keep-float"), null));
    if (bits != null) {
      for (String b : bits) {
        int eq = b.lastIndexOf('=');
        String n = eq < 0 ? "" : b.substring(eq + 1).trim();
        if (eq <= 0 || !n.matches("[0-9]{1,2}")) {
          throw new OnnxqException("--bits takes GLOB=N (e.g. 'head=8'), got '" + b + "'");
        }
        int v = Integer.parseInt(n);
        if (v < MIN_BITS || v > MAX_BITS) {
          throw new OnnxqException("--bits '" + b + "': N must be " + MIN_BITS + " to " + MAX_BITS);
        }
        rules.add(new Rule(glob(b.substring(0, eq), "--bits"), v));
      }
    }
    return new LayerOverrides(rules);
  }

  private static String glob(String g, String flag) {
    String t = g.trim();
    if (t.isEmpty())
      throw new OnnxqException(flag + " needs a layer name or glob, got an empty one");
    return t;
  }

  /** These rules, then {@code later}'s (which win where both match). */
  public LayerOverrides then(LayerOverrides later) {
    List<Rule> all = new ArrayList<>(rules);
    all.addAll(later.rules);
    return new LayerOverrides(all);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The rule deciding a layer, if any. */
  public Optional<Rule> forLayer(String moduleName) {
    Rule found = null;
    for (Rule r : rules) {
      if (!r.matches(moduleName)) continue;
      if (r.keepFloat()) return Optional.of(r);
      found = r;
    }
    return Optional.ofNullable(found);
  }

  private static Pattern regex(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*') re.append(".*");
      else if (c == '?') re.append('.');
      else re.append(Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString());
  }
}
