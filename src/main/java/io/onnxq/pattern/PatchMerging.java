package io.onnxq.pattern;

/**
 * Swin's PatchMerging: the four 2x2 neighbours concatenated on channels (4C), a LayerNorm over them
 * and the reduction linear to 2C.
 */
public record PatchMerging(LayerNormPattern norm, LinearLayer reduction) {}
