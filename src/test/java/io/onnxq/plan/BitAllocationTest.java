package io.onnxq.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitAllocationTest {
  private static List<BitAllocation.Option> widths(long params, double... costs) {
    List<BitAllocation.Option> o = new ArrayList<>();
    for (int i = 0; i < costs.length; i++)
      o.add(new BitAllocation.Option(params * (4 + i), costs[i]));
    return o;
  }

  @Test
  void handCheckedCase() {
    // Two modules of 10 and 20 parameters at 4, 5 or 6 bits; budget 5 bits on average = 150.
    // Costs: A {8, 3, 1}, B {20, 6, 2}.
    // Feasible pairs (size): A4B4 120 (28), A5B4 130 (23), A6B4 140 (21), A4B5 140 (14),
    // A5B5 150 (9), A6B5 160 x, A4B6 160 x. Best: A5B5 with cost 9.
    List<List<BitAllocation.Option>> g = List.of(widths(10, 8, 3, 1), widths(20, 20, 6, 2));
    assertArrayEquals(new int[] {1, 1}, BitAllocation.choose(g, 150));
    // Budget 140: A4B5 (14) beats A6B4 (21).
    assertArrayEquals(new int[] {0, 1}, BitAllocation.choose(g, 140));
    assertNull(BitAllocation.choose(g, 119), "below everything at the narrowest width");
  }

  @Test
  void matchesExhaustiveSearchOnRandomCases() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 50; trial++) {
      int groups = 1 + rnd.nextInt(5);
      List<List<BitAllocation.Option>> g = new ArrayList<>();
      for (int i = 0; i < groups; i++) {
        List<BitAllocation.Option> o = new ArrayList<>();
        for (int k = 0; k < 4; k++)
          o.add(new BitAllocation.Option(1 + rnd.nextInt(30), rnd.nextDouble() * 10));
        g.add(o);
      }
      long budget = rnd.nextInt(30 * groups);
      double best = Double.POSITIVE_INFINITY;
      int[] idx = new int[groups];
      int combos = 1 << (2 * groups);
      for (int c = 0; c < combos; c++) {
        long size = 0;
        double cost = 0;
        for (int i = 0; i < groups; i++) {
          idx[i] = (c >> (2 * i)) & 3;
          size += g.get(i).get(idx[i]).size();
          cost += g.get(i).get(idx[i]).cost();
        }
        if (size <= budget) best = Math.min(best, cost);
      }
      int[] choice = BitAllocation.choose(g, budget);
      if (best == Double.POSITIVE_INFINITY) {
        assertNull(choice);
        continue;
      }
      double cost = 0;
      long size = 0;
      for (int i = 0; i < groups; i++) {
        cost += g.get(i).get(choice[i]).cost();
        size += g.get(i).get(choice[i]).size();
      }
      assertEquals(best, cost, 1e-9, "trial " + trial);
      assertEquals(true, size <= budget);
    }
  }
}
