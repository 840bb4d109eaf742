/**
 * softmaxCrossEntropy: the fused, numerically stable cross-entropy of softmax(logits) against
 * class labels, with its own gradient rule (a customGradient): softmax(logits) - targets, instead
 * of the chain through exp, sum, log and the mask, which would lose precision where probabilities
 * underflow and cost five times the memory.
 */
import * as T from '@lowbit/tensor';
import { ArgumentError, ShapeError, formatShape, type Tensor } from '@lowbit/tensor';
import { customGradient, toVariable, type Input } from '../record.js';
import type { Variable } from '../variable.js';

export interface SoftmaxCrossEntropyOptions {
  /** 'mean' over the examples (default), 'sum', or 'none' (one loss per example). */
  reduction?: 'mean' | 'sum' | 'none';
}

const REDUCTIONS = ['mean', 'sum', 'none'] as const;
type Reduction = (typeof REDUCTIONS)[number];

interface Saved {
  targets: Tensor;
  logProbabilities: Tensor;
  labelsAreIndices: boolean;
}

const op = 'softmaxCrossEntropy';

/** One-hot float32 targets [..., classes] from int32 labels [...], checking every label. */
function oneHot(labels: Tensor, classes: number): Tensor {
  const values = labels.data();
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= classes) {
      throw new ArgumentError(op, `labels[${i}]`, values[i], `a class index in [0, ${classes - 1}]`, `the logits have ${classes} classes on their last axis`);
    }
  }
  const positions = T.arange(classes, undefined, 1, { backend: labels.backend });
  return T.equal(T.expandDims(T.cast(labels, 'float32'), -1), positions);
}

function targetsFor(logits: Tensor, labels: Tensor): { targets: Tensor; labelsAreIndices: boolean } {
  if (logits.rank < 1) throw new ShapeError(`${op}: logits must have a class axis (the last), got shape ${formatShape(logits.shape)}`, [logits.shape]);
  const classes = logits.shape[logits.rank - 1];
  const batchShape = logits.shape.slice(0, -1);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (labels.dtype === 'int32' && same(labels.shape, batchShape)) return { targets: oneHot(labels, classes), labelsAreIndices: true };
  if (labels.dtype === 'float32' && same(labels.shape, logits.shape)) return { targets: labels, labelsAreIndices: false };
  throw new ShapeError(
    `${op}: labels ${labels.dtype} ${formatShape(labels.shape)} do not fit logits ${formatShape(logits.shape)}: pass int32 class indices shaped ` +
      `${formatShape(batchShape)} or float32 one-hot (or soft) targets shaped ${formatShape(logits.shape)}`,
    [logits.shape, labels.shape],
  );
}

function makeLoss(reduction: Reduction): (logits: Input, labels: Input) => Variable {
  return customGradient<Saved>(
    (logits, labels) => {
      const { targets, labelsAreIndices } = targetsFor(logits, labels);
      const logProbabilities = T.logSoftmax(logits, -1);
      const losses = T.neg(T.sum(T.mul(targets, logProbabilities), { axis: -1 }));
      const value = reduction === 'none' ? losses : reduction === 'sum' ? T.sum(losses) : T.mean(losses);
      return { value, saved: { targets, logProbabilities, labelsAreIndices } };
    },
    (dy, { inputs: [logits], needsGradient, saved: { targets, logProbabilities, labelsAreIndices } }) => {
      const examples = logits.size / Math.max(1, logits.shape[logits.rank - 1]);
      // dy per example, broadcast over the class axis.
      const perExample = reduction === 'none' ? T.expandDims(dy, -1) : reduction === 'mean' ? T.div(dy, examples) : dy;
      const probabilities = T.exp(logProbabilities);
      // d/dz of -sum(t log softmax(z)) = softmax(z) sum(t) - t (= p - t for one-hot targets).
      const dLogits = T.mul(T.sub(T.mul(probabilities, T.sum(targets, { axis: -1, keepDims: true })), targets), perExample);
      const dTargets = labelsAreIndices || !needsGradient[1] ? null : T.mul(T.neg(logProbabilities), perExample);
      return [dLogits, dTargets];
    },
    { name: op },
  );
}

const losses: Record<Reduction, (logits: Input, labels: Input) => Variable> = {
  mean: makeLoss('mean'),
  sum: makeLoss('sum'),
  none: makeLoss('none'),
};

/**
 * Cross-entropy of softmax(logits) (class axis last) against `labels`: int32 class indices shaped
 * like the logits without the last axis, or float32 one-hot / soft targets shaped like the logits.
 * Returns the mean over examples unless `reduction` says otherwise.
 */
export function softmaxCrossEntropy(logits: Input, labels: Input, options?: SoftmaxCrossEntropyOptions): Variable {
  const reduction = options?.reduction ?? 'mean';
  if (!REDUCTIONS.includes(reduction)) throw new ArgumentError(op, 'reduction', reduction, "'mean', 'sum' or 'none'");
  return losses[reduction](toVariable(op, logits, 'logits'), toVariable(op, labels, 'labels'));
}
