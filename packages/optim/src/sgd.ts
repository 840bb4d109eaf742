/**
 * SGD with momentum, dampening, Nesterov momentum and (L2) weight decay, with PyTorch's semantics
 * (torch.optim.SGD), per step t and value:
 *
 *   d = g + weightDecay · w                        (when weightDecay ≠ 0)
 *   b = d                                          (first step: the buffer starts as the gradient, undampened)
 *   b = momentum · b + (1 - dampening) · d         (later steps)
 *   d = nesterov ? d + momentum · b : b            (when momentum ≠ 0)
 *   w = w - learningRate(t) · d
 *
 * Every operation is a float32 operation with float32 hyperparameters, as PyTorch computes it. The
 * buffer b is the state slot 'momentum'; in a compressed storage, b is rounded when written and
 * the rounded b is what makes this step's direction (the state exists only in its format).
 */
import { ArgumentError } from '@lowbit/tensor';
import type { OptimizerDefinition, ParameterContext } from './optimizer.js';
import { resolveCommon } from './optimizer.js';
import type { ParameterInput } from './parameters.js';
import { resolvePoint } from './points.js';
import { describeSchedule, scheduleValue, type Schedule } from './schedule.js';
import { slotStatistics } from './statistics.js';
import { UpdateOptimizer, resolveLearningRate, resolveWeights, type Direction, type UpdateRuleOptions } from './weights.js';
import { configOf, nonNegative } from './config.js';

export interface SgdOptions extends UpdateRuleOptions {
  /** Required (a number, a schedule spec or a function of the step). */
  learningRate: Schedule;
  /** Default 0 (no momentum buffer is kept). */
  momentum?: number;
  /** Default 0. */
  dampening?: number;
  /** Default false; needs momentum > 0 and dampening 0 (as PyTorch). */
  nesterov?: boolean;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

const fround = Math.fround;

export function sgd(options: SgdOptions): OptimizerDefinition {
  const op = 'sgd';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ learningRate, momentum?, dampening?, nesterov?, weightDecay?, ... }');
  const learningRate = resolveLearningRate(op, options.learningRate, undefined);
  const momentum = nonNegative(op, 'momentum', options.momentum ?? 0);
  const dampening = nonNegative(op, 'dampening', options.dampening ?? 0);
  const weightDecay = nonNegative(op, 'weightDecay', options.weightDecay ?? 0);
  const nesterov = options.nesterov ?? false;
  if (typeof nesterov !== 'boolean') throw new ArgumentError(op, 'nesterov', nesterov, 'true or false');
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new ArgumentError(op, 'nesterov', nesterov, 'true only with momentum > 0 and dampening 0', `got momentum ${momentum}, dampening ${dampening} (PyTorch has the same rule)`);
  }
  const slots = momentum === 0 ? [] : ['momentum'];
  const common = resolveCommon(op, options, [...slots, 'master']);
  const weights = resolveWeights(op, options.weights);
  const update = resolvePoint(op, 'update', options.update);
  const config = configOf(options, { learningRate: describeSchedule(learningRate), momentum, dampening, nesterov, weightDecay });

  class Sgd extends UpdateOptimizer {
    constructor(parameters: ParameterInput) {
      super('sgd', parameters, common, weights, update);
      if (momentum !== 0) for (const context of this.contexts) this.addBuffer(context, 'momentum');
    }

    protected hyperparameters(step: number): Record<string, number> {
      return { learningRate: scheduleValue(learningRate, step), momentum, dampening, weightDecay };
    }

    protected direction(context: ParameterContext, gradient: Float32Array, w: Float32Array, _step: number, hyper: Record<string, number>): Direction {
      const n = context.size;
      // d is the gradient array, which this step owns: it becomes the update in place.
      const d = gradient;
      const decay32 = fround(weightDecay);
      if (weightDecay !== 0) for (let i = 0; i < n; i++) d[i] = d[i] + fround(decay32 * w[i]);
      const negativeRate = fround(-hyper.learningRate);
      if (momentum === 0) {
        for (let i = 0; i < n; i++) d[i] = negativeRate * d[i];
        return { update: d, decay: 1, state: [] };
      }
      const buffer = context.buffers.get('momentum')!;
      const previous = buffer.peek();
      let next: Float32Array;
      if (!buffer.initialized) next = d.slice();
      else {
        next = buffer.writable();
        const momentum32 = fround(momentum);
        const keep32 = fround(1 - dampening);
        for (let i = 0; i < n; i++) next[i] = fround(momentum32 * previous[i]) + fround(keep32 * d[i]);
      }
      const written = buffer.write(next, previous);
      const state = [slotStatistics('momentum', buffer.storage.name, n, written.unchanged, written.unchangedByStorage)];
      // The direction reads the stored b (what a compressed buffer kept), then scales in place.
      const b = written.stored;
      if (nesterov) {
        const momentum32 = fround(momentum);
        for (let i = 0; i < n; i++) d[i] = negativeRate * fround(d[i] + fround(momentum32 * b[i]));
      } else for (let i = 0; i < n; i++) d[i] = negativeRate * b[i];
      return { update: d, decay: 1, state };
    }
  }

  return { kind: 'sgd', config, create: (parameters) => new Sgd(parameters) };
}
