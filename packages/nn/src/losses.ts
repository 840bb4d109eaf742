/**
 * Losses. crossEntropy is autograd's fused softmaxCrossEntropy: log-softmax computed stably and
 * the gradient softmax(z) - t in one rule, exact where probabilities underflow (the chain
 * through exp, sum and log would not be, and costs five times the memory).
 */
import { mean, softmaxCrossEntropy, square, sub, sum, type Input, type SoftmaxCrossEntropyOptions, type Variable } from '@lowbit/autograd';
import { ArgumentError, ShapeError, formatShape } from '@lowbit/tensor';

export type Reduction = 'mean' | 'sum' | 'none';

/**
 * Cross-entropy of softmax(logits) (classes on the last axis) against int32 class indices
 * ([batch]) or float32 one-hot / soft targets (shaped like the logits). Mean over examples by default.
 */
export function crossEntropy(logits: Input, labels: Input, options?: SoftmaxCrossEntropyOptions): Variable {
  return softmaxCrossEntropy(logits, labels, options);
}

/** Mean squared error: mean((prediction - target)^2) over every element ('sum': the sum, 'none': per element). */
export function mse(prediction: Input, target: Input, options: { reduction?: Reduction } = {}): Variable {
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') throw new ArgumentError('mse', 'reduction', reduction, "'mean', 'sum' or 'none'");
  const a = prediction.shape;
  const b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    // Broadcasting here would silently compare every prediction with every target.
    throw new ShapeError(`mse: prediction ${formatShape(a)} and target ${formatShape(b)} differ; they must have the same shape (reshape the target)`, [a, b]);
  }
  const squared = square(sub(prediction, target));
  return reduction === 'none' ? squared : reduction === 'sum' ? sum(squared) : mean(squared);
}
