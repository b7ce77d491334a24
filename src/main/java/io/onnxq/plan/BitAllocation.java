package io.onnxq.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Exact choice of one option per group with the lowest total cost under a size budget (a
 * multiple-choice knapsack), by merging Pareto frontiers: after each group only the (size, cost)
 * points that no other point beats on both are kept. With tens of groups and a handful of widths
 * the frontier stays small, and the answer is exact, not a heuristic walk along it.
 */
final class BitAllocation {
  /**
   * @param size what the option adds to the budgeted total (bits)
   * @param cost what the option adds to the minimised total (sensitivity)
   */
  record Option(long size, double cost) {}

  private record Point(long size, double cost, int[] choice) {}

  private BitAllocation() {}

  /**
   * @return the chosen option index per group, or null when even the smallest options exceed the
   *     budget
   */
  static int[] choose(List<List<Option>> groups, long budget) {
    List<Point> frontier = List.of(new Point(0, 0, new int[0]));
    for (List<Option> g : groups) {
      List<Point> next = new ArrayList<>();
      for (Point p : frontier) {
        for (int i = 0; i < g.size(); i++) {
          Option o = g.get(i);
          long size = p.size() + o.size();
          if (size > budget) continue;
          int[] choice = java.util.Arrays.copyOf(p.choice(), p.choice().length + 1);
          choice[choice.length - 1] = i;
          next.add(new Point(size, p.cost() + o.cost(), choice));
        }
      }
      frontier = pareto(next);
      if (frontier.isEmpty()) return null;
    }
    Point best = frontier.get(frontier.size() - 1); // the frontier's cost falls as size grows
    return best.choice();
  }

  /** Points sorted by size, each strictly cheaper than every smaller one. */
  private static List<Point> pareto(List<Point> points) {
    points.sort(Comparator.comparingLong(Point::size).thenComparingDouble(Point::cost));
    List<Point> kept = new ArrayList<>();
    for (Point p : points) {
      if (kept.isEmpty() || p.cost() < kept.get(kept.size() - 1).cost()) kept.add(p);
    }
    return kept;
  }
}
