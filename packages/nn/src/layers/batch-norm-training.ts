/**
 * Batch normalization in training mode as one differentiable op with its own backward, as
 * PyTorch's native batch_norm and TensorFlow's fused batch norm do. Composed of mean, sub,
 * square, div, mul and add ops, the same layer costs about 27 passes over the activations
 * forward and backward (each op's gradient rule, plus the sums that bring broadcast gradients
 * back to [C]); the closed form below needs 13. In ResNet-18 that is most of the time outside
 * the convolutions.
 *
 * Per channel, over the N values of the batch (and spatial) axes, with the biased variance:
 *   x̂ = (x - μ) · s,  s = 1 / sqrt(σ² + eps),  y = x̂ · w + b
 *   db = Σ dy,  dw = Σ dy · x̂,  dx = w s · (dy - db / N - x̂ · dw / N)
 * (μ and σ² depend on x: the last two terms are their part of the gradient.)
 */
import { customGradient, type Input, type Variable } from '@lowbit/autograd';
import * as T from '@lowbit/tensor';
import type { Tensor } from '@lowbit/tensor';

export interface BatchStatistics {
  /** Per-channel batch mean, keepDims shape ([1, C, 1, 1]). */
  mean: Tensor;
  /** Per-channel biased batch variance, same shape. */
  variance: Tensor;
}

interface Saved {
  centered: Tensor;
  inverseStd: Tensor;
  scale: Tensor;
}

/** Every axis but the channel axis (1). */
const reducedAxes = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];

/**
 * Inputs: x (tracked), weight and bias shaped [1, C, 1, ...] (tracked or constants), and two
 * constants computed from x's value: x - μ and 1 / sqrt(σ² + eps).
 */
const normalize = customGradient<Saved>(
  (_x, weight, bias, centered, inverseStd) => {
    const scale = T.mul(weight, inverseStd);
    return { value: T.add(T.mul(centered, scale), bias), saved: { centered, inverseStd, scale } };
  },
  (dy, { inputs: [x], needsGradient, saved: { centered, inverseStd, scale } }) => {
    const axes = reducedAxes(x.rank);
    const count = x.size / x.shape[1];
    const dBias = T.sum(dy, { axis: axes, keepDims: true });
    // Σ dy·x̂ = s·Σ dy·(x - μ): the scale applies per channel, after the sum (x̂ is never formed).
    const dWeight = T.mul(T.sum(T.mul(dy, centered), { axis: axes, keepDims: true }), inverseStd);
    let dx: Tensor | null = null;
    if (needsGradient[0]) {
      // dx = dy·(w s) + (x - μ)·(-w s² dw / N) + (-w s db / N): per-channel coefficients, four full passes.
      const perValue = T.mul(scale, -1 / count);
      dx = T.add(T.add(T.mul(dy, scale), T.mul(centered, T.mul(T.mul(perValue, dWeight), inverseStd))), T.mul(perValue, dBias));
    }
    return [dx, needsGradient[1] ? dWeight : null, needsGradient[2] ? dBias : null, null, null];
  },
  { name: 'batchNorm' },
);

/**
 * y = (x - μ) / sqrt(σ² + eps) · weight + bias with the batch's own statistics, differentiated
 * through them. `weight` and `bias` are shaped [1, C, 1, ...]; returns y and the statistics (for
 * the running averages).
 */
export function batchNormTraining(x: Variable, weight: Input, bias: Input, eps: number): { output: Variable; statistics: BatchStatistics } {
  const axes = reducedAxes(x.rank);
  const mean = T.mean(x.value, { axis: axes, keepDims: true });
  const centered = T.sub(x.value, mean);
  const variance = T.mean(T.square(centered), { axis: axes, keepDims: true });
  const inverseStd = T.reciprocal(T.sqrt(T.add(variance, eps)));
  return { output: normalize(x, weight, bias, centered, inverseStd), statistics: { mean, variance } };
}
