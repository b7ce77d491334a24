package io.onnxq.plan;

/**
 * Chooses every quantizer of a model: structure and calibration data in, finished plan out. A
 * planner reads the model and its captures and never changes them; the rewrites then only read the
 * plan.
 */
public interface Planner {
  QuantPlan plan(PlanInput input);
}
