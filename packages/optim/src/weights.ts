/**
 * How an update reaches a weight (SGD and Adam; Bop writes signs, see bop.ts).
 *
 * Arithmetic is float32, operation by operation, as in PyTorch: w' = fl(fl(w · decay) + u), where
 * u is the update of the rule (after the update rounding point). Then, per parameter:
 *
 * - **float32 weight** (no format anywhere): w' is stored as is.
 * - **no master copy** (the Parameter has a `format`, or `weights.format` is set): w' is rounded
 *   into the format, nearest or stochastic (Ortiz et al., RCT). The rounding is one rounding of
 *   the float32 value w'; because w' is already a float32 rounding of w + u, an update smaller
 *   than half of float32's spacing at w is lost before the format sees it (for formats of 16 bits
 *   or fewer that is far below the format's own step, so stochastic rounding stays unbiased to
 *   about 2^(M - 24) of a step). With the Parameter's format, its `assign` rounds with the
 *   Parameter's rounding and stream (`weights.rounding` overrides the mode); `weights.format`
 *   rounds with the optimizer's stream "<name>/weight".
 * - **master copy** (`weights.masterCopy`, QAT style): w' is kept in a state buffer 'master'
 *   (float32, or QPyTorch's accumulator format), and the forward copy, rounded from it, is what
 *   the Parameter holds. The rule reads the master, so small updates accumulate there.
 */
import { tensor, ArgumentError } from '@lowbit/tensor';
import { ROUNDINGS, type ElementFormat, type Rounding, type TensorFormat } from '@lowbit/formats';
import { BaseOptimizer, type CommonOptions, type ParameterContext, type ResolvedCommon } from './optimizer.js';
import type { ParameterInput } from './parameters.js';
import { RoundingPoint, isFormat, resolvePoint, type ResolvedPoint, type RoundingPointOption } from './points.js';
import { slotStatistics, type ParameterStatistics, type StateSlotStatistics } from './statistics.js';
import { resolveStorage, type ResolvedStorage, type StorageOption } from './storage.js';
import { updateInSteps } from './step-size.js';
import { checkSchedule, type Schedule } from './schedule.js';
import { shown } from './errors.js';

export interface WeightOptions {
  /** Round every new weight into this format (QPyTorch's weight quantizer) when the optimizer, not the Parameter, owns the format. */
  format?: ElementFormat | TensorFormat;
  /** Rounding of weight writes; overrides the Parameter's own rounding. Default: the Parameter's (nearest-even for `format`). */
  rounding?: Rounding;
  /** Random bits per stochastic decision of `format` (1..32). Default 32. */
  randomBits?: number;
  /**
   * Keep a master copy of every weight that has a format: true (float32) or a storage (QPyTorch's
   * accumulator format, packed codes). Default false: the weight exists only in its format.
   * Ignored for float32 weights, whose value already is the master.
   */
  masterCopy?: boolean | StorageOption;
}

/** Options of the update-based rules (SGD, Adam, AdamW). */
export interface UpdateRuleOptions extends CommonOptions {
  learningRate?: Schedule;
  /** Round each update before it is added to the weight (the weight-update quantization point). */
  update?: RoundingPointOption;
  weights?: WeightOptions;
}

export interface ResolvedWeights {
  point: ResolvedPoint | undefined;
  rounding: Rounding | undefined;
  master: ResolvedStorage | undefined;
}

export function resolveWeights(op: string, options: WeightOptions | undefined): ResolvedWeights {
  if (options === undefined) return { point: undefined, rounding: undefined, master: undefined };
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'weights', shown(options), '{ format?, rounding?, randomBits?, masterCopy? }');
  const rounding = options.rounding;
  if (rounding !== undefined && !ROUNDINGS.includes(rounding)) throw new ArgumentError(op, 'weights.rounding', rounding, ROUNDINGS.join(', '));
  if (options.format !== undefined && !isFormat(options.format)) throw new ArgumentError(op, 'weights.format', shown(options.format), 'a format of @lowbit/formats');
  const point = options.format === undefined ? undefined : resolvePoint(op, 'weights', { format: options.format, rounding, randomBits: options.randomBits });
  const masterCopy = options.masterCopy ?? false;
  const master = masterCopy === false ? undefined : masterCopy === true ? resolveStorage(op, 'weights.masterCopy', 'float32') : resolveStorage(op, 'weights.masterCopy', masterCopy);
  return { point, rounding, master };
}

export function resolveLearningRate(op: string, learningRate: unknown, fallback: number | undefined): Schedule {
  if (learningRate === undefined) {
    if (fallback === undefined) throw new ArgumentError(op, 'learningRate', learningRate, 'a number, a schedule or a function of the step', `${op} has no default learning rate (PyTorch neither)`);
    return fallback;
  }
  return checkSchedule(op, 'learningRate', learningRate);
}

/** What an update rule computes for one parameter. */
export interface Direction {
  /** u: added to the weight (already multiplied by -learning rate). */
  update: Float32Array;
  /** The weight is multiplied by this before u is added (AdamW's decoupled decay); 1 for none. */
  decay: number;
  /** Statistics of the state buffers the rule wrote. */
  state: StateSlotStatistics[];
}

export abstract class UpdateOptimizer extends BaseOptimizer {
  constructor(
    kind: string,
    parameters: ParameterInput,
    common: ResolvedCommon,
    private readonly weights: ResolvedWeights,
    update: ResolvedPoint | undefined,
  ) {
    super(kind, parameters, common);
    for (const context of this.contexts) {
      if (update) context.points.set('update', new RoundingPoint(`${context.name}/update`, update, common.seed));
      if (weights.point) context.points.set('weight', new RoundingPoint(`${context.name}/weight`, weights.point, common.seed));
      const hasFormat = weights.point !== undefined || context.parameter.format !== undefined;
      if (weights.master && hasFormat) this.addBuffer(context, 'master', weights.master, context.parameter.value.data() as Float32Array);
    }
  }

  /** The rule: the update of one parameter from its gradient and current (master) weights. */
  protected abstract direction(context: ParameterContext, gradient: Float32Array, weights: Float32Array, step: number, hyper: Record<string, number>): Direction;

  protected updateParameter(context: ParameterContext, gradient: Float32Array, step: number, hyper: Record<string, number>): ParameterStatistics {
    const { parameter, shape, size } = context;
    const master = context.buffers.get('master');
    const stored = parameter.value.data() as Float32Array;
    const weights = master ? master.peek() : stored;
    const { update, decay, state } = this.direction(context, gradient, weights, step, hyper);
    context.points.get('update')?.apply(update, shape);
    // The downloaded weights are this step's own copy: overwrite them unless the statistics
    // compare against them below, or they are the master buffer's array.
    const next = master ? master.writable() : this.common.statistics ? new Float32Array(size) : stored;
    if (decay === 1) for (let i = 0; i < size; i++) next[i] = weights[i] + update[i];
    // A float32 sum computed in float64 and stored once is correctly rounded (53 >= 2·24 + 2).
    else for (let i = 0; i < size; i++) next[i] = Math.fround(weights[i] * decay) + update[i];
    let forward = next;
    if (master) {
      const written = master.write(next, weights);
      state.push(slotStatistics('master', master.storage.name, size, written.unchanged, written.unchangedByStorage));
      forward = written.stored.slice();
    }
    context.points.get('weight')?.apply(forward, shape);
    const rounding = this.weights.rounding;
    parameter.assign(tensor(forward, shape, { backend: parameter.value.backend }), rounding === undefined ? undefined : { rounding });
    const record: ParameterStatistics = { name: context.name, elements: size, skipped: false, state };
    if (!this.common.statistics) return record;
    let nonZero = 0;
    for (let i = 0; i < size; i++) if (update[i] !== 0) nonZero++;
    record.updatesNonZero = nonZero;
    if (!master) {
      const after = parameter.value.data() as Float32Array;
      let lost = 0;
      for (let i = 0; i < size; i++) if (update[i] !== 0 && (after[i] === stored[i] || (after[i] !== after[i] && stored[i] !== stored[i]))) lost++;
      record.updatesLost = lost;
      record.updatesLostFraction = nonZero === 0 ? 0 : lost / nonZero;
    }
    const format = this.weights.point?.format ?? parameter.format;
    const { sum, count } = updateInSteps(format, stored, update, shape);
    record.gavg = count === 0 ? 0 : sum / count;
    return record;
  }
}
