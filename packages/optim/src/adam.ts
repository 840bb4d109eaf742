/**
 * Adam and AdamW with PyTorch's semantics (torch.optim.Adam / AdamW, single-tensor path), at step
 * t = 1, 2, ... (one more than the steps taken before):
 *
 *   g = g + weightDecay · w                       (Adam only: L2 in the gradient)
 *   w = w · (1 - learningRate · weightDecay)      (AdamW only: decoupled decay, before the update)
 *   m = m + (1 - beta1) · (g - m)                 (PyTorch's lerp; the slot 'firstMoment')
 *   v = beta2 · v + (1 - beta2) · g · g           (the slot 'secondMoment')
 *   denominator = sqrt(v) / sqrt(1 - beta2^t) + epsilon
 *   w = w - (learningRate / (1 - beta1^t)) · m / denominator
 *
 * Bias corrections are computed in float64 (PyTorch computes them in Python floats); epsilon is
 * added after the second-moment correction (outside the square root), so it is not the "epsilon
 * hat" of the paper's efficient form. Everything else is float32, operation by operation.
 * Compressed moments are rounded when written, and the rounded values make this step's update.
 */
import { ArgumentError } from '@lowbit/tensor';
import type { OptimizerDefinition, ParameterContext } from './optimizer.js';
import { resolveCommon } from './optimizer.js';
import type { ParameterInput } from './parameters.js';
import { resolvePoint } from './points.js';
import { describeSchedule, scheduleValue, type Schedule } from './schedule.js';
import { slotStatistics } from './statistics.js';
import { UpdateOptimizer, resolveLearningRate, resolveWeights, type Direction, type UpdateRuleOptions } from './weights.js';
import { configOf, inRange, nonNegative } from './config.js';

export interface AdamOptions extends UpdateRuleOptions {
  /** Default 1e-3. */
  learningRate?: Schedule;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Added to the bias-corrected sqrt(v). Default 1e-8. */
  epsilon?: number;
  /** Adam: L2 penalty in the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay?: number;
}

const fround = Math.fround;

/** Adam (Kingma & Ba) with L2 weight decay in the gradient, as torch.optim.Adam. */
export function adam(options: AdamOptions = {}): OptimizerDefinition {
  return adamFamily('adam', options, 0);
}

/** AdamW (Loshchilov & Hutter): decay decoupled from the gradient, as torch.optim.AdamW. */
export function adamw(options: AdamOptions = {}): OptimizerDefinition {
  return adamFamily('adamw', options, 1e-2);
}

function adamFamily(op: 'adam' | 'adamw', options: AdamOptions, defaultDecay: number): OptimizerDefinition {
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ learningRate?, beta1?, beta2?, epsilon?, weightDecay?, ... }');
  const learningRate = resolveLearningRate(op, options.learningRate, 1e-3);
  const beta1 = inRange(op, 'beta1', options.beta1 ?? 0.9, 0, 1 - Number.EPSILON, 'beta1 < 1; PyTorch uses 0.9');
  const beta2 = inRange(op, 'beta2', options.beta2 ?? 0.999, 0, 1 - Number.EPSILON, 'beta2 < 1; PyTorch uses 0.999');
  const epsilon = nonNegative(op, 'epsilon', options.epsilon ?? 1e-8);
  const weightDecay = nonNegative(op, 'weightDecay', options.weightDecay ?? defaultDecay);
  const common = resolveCommon(op, options, ['firstMoment', 'secondMoment', 'master']);
  const weights = resolveWeights(op, options.weights);
  const update = resolvePoint(op, 'update', options.update);
  const config = configOf(options, { learningRate: describeSchedule(learningRate), beta1, beta2, epsilon, weightDecay });
  const decoupled = op === 'adamw';

  class Adam extends UpdateOptimizer {
    constructor(parameters: ParameterInput) {
      super(op, parameters, common, weights, update);
      for (const context of this.contexts) {
        this.addBuffer(context, 'firstMoment');
        this.addBuffer(context, 'secondMoment');
      }
    }

    protected hyperparameters(step: number): Record<string, number> {
      return { learningRate: scheduleValue(learningRate, step), beta1, beta2, epsilon, weightDecay };
    }

    protected direction(context: ParameterContext, gradient: Float32Array, w: Float32Array, step: number, hyper: Record<string, number>): Direction {
      const n = context.size;
      const g = gradient;
      const rate = hyper.learningRate;
      if (!decoupled && weightDecay !== 0) {
        const decay32 = fround(weightDecay);
        for (let i = 0; i < n; i++) g[i] = g[i] + fround(decay32 * w[i]);
      }
      const first = context.buffers.get('firstMoment')!;
      const second = context.buffers.get('secondMoment')!;
      const mPrevious = first.peek();
      const vPrevious = second.peek();
      const m = first.writable();
      const v = second.writable();
      // lerp(m, g, weight) as PyTorch evaluates it: m + weight (g - m) when weight < 0.5, else g - (g - m)(1 - weight).
      const weight = fround(1 - beta1);
      const complement = fround(1 - weight);
      const beta2f = fround(beta2);
      const oneMinusBeta2 = fround(1 - beta2);
      for (let i = 0; i < n; i++) {
        const difference = fround(g[i] - mPrevious[i]);
        m[i] = weight < 0.5 ? mPrevious[i] + fround(weight * difference) : g[i] - fround(difference * complement);
        v[i] = fround(beta2f * vPrevious[i]) + fround(fround(oneMinusBeta2 * g[i]) * g[i]);
      }
      const writtenM = first.write(m, mPrevious);
      const writtenV = second.write(v, vPrevious);
      const t = step + 1;
      const stepSize = fround(-(rate / (1 - beta1 ** t)));
      const correction = fround(Math.sqrt(1 - beta2 ** t));
      const epsilon32 = fround(epsilon);
      // The gradient array belongs to this step and is no longer read: it becomes the update.
      const update = g;
      const mStored = writtenM.stored;
      const vStored = writtenV.stored;
      for (let i = 0; i < n; i++) {
        const denominator = fround(fround(fround(Math.sqrt(vStored[i])) / correction) + epsilon32);
        update[i] = stepSize * fround(mStored[i] / denominator);
      }
      return {
        update,
        decay: decoupled && weightDecay !== 0 ? fround(1 - rate * weightDecay) : 1,
        state: [
          slotStatistics('firstMoment', first.storage.name, n, writtenM.unchanged, writtenM.unchangedByStorage),
          slotStatistics('secondMoment', second.storage.name, n, writtenV.unchanged, writtenV.unchangedByStorage),
        ],
      };
    }
  }

  return { kind: op, config, create: (parameters) => new Adam(parameters) };
}
