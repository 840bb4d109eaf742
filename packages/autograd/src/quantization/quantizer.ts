/**
 * Quantization points: `quantizer({ forward, backward, estimator })` makes a point that rounds
 * values into the forward format on the way forward and the incoming gradient into the backward
 * format on the way back, each side with its own rounding and scaling policy; the estimator says
 * how the gradient crosses the forward rounding.
 *
 * Placing points gives every tensor role of DESIGN.md: a point on a weight rounds W forward and
 * the weight gradient G backward; a point on an activation rounds A forward and the error E (the
 * gradient flowing to the previous layer) backward.
 *
 * A step is one application of the point in training mode. Each step advances the point's
 * stochastic streams, its dynamic scaling state and its history; in evaluation mode
 * (`point.training = false`) the point rounds with its current state and changes nothing.
 */
import { abs, lessEqual, mul, type Tensor } from '@lowbit/tensor';
import { ArgumentError } from '@lowbit/tensor';
import { recordOperation, toVariable, type Input } from '../record.js';
import { checkSeed, hashLabel } from '../random-stream.js';
import type { Variable } from '../variable.js';
import { resolveEstimator, resolveSide, signSide, type QuantizerOptions, type ResolvedEstimator } from './options.js';
import { QuantizationSide, type SideState } from './side.js';
import type { SideStatistics } from './statistics.js';

/** What one training step of a point recorded. */
export interface QuantizationRecord {
  /** The point's step (0-based) in which the forward rounding ran. */
  step: number;
  forward?: SideStatistics;
  /** Filled in when backward reaches this step's application. */
  backward?: SideStatistics;
}

/** Everything a checkpoint needs to resume a point bit for bit. */
export interface QuantizationPointState {
  step: number;
  forward?: SideState;
  backward?: SideState;
}

const DEFAULT_HISTORY_LIMIT = 10_000;

export class QuantizationPoint {
  readonly name: string | undefined;
  readonly seed: number;
  readonly estimator: ResolvedEstimator;
  /** The forward side (undefined: values pass unchanged). */
  readonly forward: QuantizationSide | undefined;
  /** The backward side (undefined: gradients pass in float32). */
  readonly backward: QuantizationSide | undefined;
  /** Training mode (default) advances state and records statistics; evaluation mode does neither. */
  training = true;
  /** Whether statistics are measured at all. */
  recordStatistics: boolean;
  /** Whether statistics include the exponent histogram. */
  recordHistogram: boolean;
  readonly historyLimit: number;
  private steps = 0;
  private readonly records: QuantizationRecord[] = [];

  constructor(options: QuantizerOptions = {}) {
    if (options === null || typeof options !== 'object') throw new ArgumentError('quantizer', 'options', options, '{ forward?, backward?, estimator?, seed?, name?, statistics? }');
    this.name = options.name;
    this.seed = checkSeed('quantizer', 'seed', options.seed ?? (options.name === undefined ? 0 : hashLabel(options.name)));
    this.estimator = resolveEstimator(options.estimator);
    const forward = resolveSide('forward', options.forward);
    const backward = resolveSide('backward', options.backward);
    const forwardSide = this.estimator.kind === 'sign' ? signSide(forward) : forward;
    this.forward = forwardSide === undefined ? undefined : new QuantizationSide(forwardSide, this.seed, 'forward');
    this.backward = backward === undefined ? undefined : new QuantizationSide(backward, this.seed, 'backward');
    const statistics = options.statistics ?? true;
    if (typeof statistics !== 'boolean' && (statistics === null || typeof statistics !== 'object')) {
      throw new ArgumentError('quantizer', 'statistics', statistics, 'true, false or { histogram?, historyLimit? }');
    }
    this.recordStatistics = statistics !== false;
    this.recordHistogram = typeof statistics === 'object' && statistics.histogram === true;
    const limit = typeof statistics === 'object' ? (statistics.historyLimit ?? DEFAULT_HISTORY_LIMIT) : DEFAULT_HISTORY_LIMIT;
    if (!Number.isInteger(limit) || limit < 0) throw new ArgumentError('quantizer', 'statistics.historyLimit', limit, 'a non-negative integer');
    this.historyLimit = limit;
  }

  /** Training steps applied so far. */
  get step(): number {
    return this.steps;
  }

  /** The recorded steps, oldest first (at most historyLimit of them). */
  get history(): readonly QuantizationRecord[] {
    return this.records;
  }

  /** The record of the latest training step (undefined before the first). */
  statistics(): QuantizationRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /** Forgets the history (the state that affects results is kept). */
  clearHistory(): void {
    this.records.length = 0;
  }

  /**
   * Rounds x forward and returns a Variable whose gradient is the estimator's, rounded into the
   * backward format. A Tensor input is a constant: the result is rounded but carries no gradient.
   */
  apply(x: Input): Variable {
    const input = toVariable(this.name ?? 'quantizer', x, 'x');
    const training = this.training;
    const measure = training && this.recordStatistics ? { histogram: this.recordHistogram } : false;
    const forward = this.forward?.apply(input.value, { training, statistics: measure });
    const record: QuantizationRecord | undefined = measure === false ? undefined : { step: this.steps };
    if (training) this.steps++;
    if (record !== undefined) {
      if (forward?.statistics !== undefined) record.forward = forward.statistics;
      this.remember(record);
    }
    const inputValue = input.value;
    return recordOperation(this.name ?? 'quantizer', [input], forward?.value ?? inputValue, (dy) => {
      let gradient: Tensor = dy;
      if (this.backward !== undefined) {
        const result = this.backward.apply(dy, { training, statistics: measure });
        gradient = result.value;
        if (record !== undefined && result.statistics !== undefined) record.backward = result.statistics;
      }
      // Clipped straight-through: the gradient passes where |x| <= clip (Larq's ste_sign).
      if (this.estimator.clip !== Infinity) gradient = mul(gradient, lessEqual(abs(inputValue), this.estimator.clip));
      return gradient;
    });
  }

  state(): QuantizationPointState {
    return { step: this.steps, forward: this.forward?.state(), backward: this.backward?.state() };
  }

  /** Restores what `state()` returned (a point made with the same options). */
  loadState(state: QuantizationPointState): void {
    if (state === null || typeof state !== 'object' || !Number.isSafeInteger(state.step)) {
      throw new ArgumentError('loadState', 'state', state, 'what QuantizationPoint.state() returned');
    }
    if ((state.forward === undefined) !== (this.forward === undefined) || (state.backward === undefined) !== (this.backward === undefined)) {
      throw new ArgumentError('loadState', 'state', state, 'the state of a point with the same forward/backward sides');
    }
    this.steps = state.step;
    if (state.forward !== undefined) this.forward?.loadState(state.forward);
    if (state.backward !== undefined) this.backward?.loadState(state.backward);
  }

  private remember(record: QuantizationRecord): void {
    if (this.historyLimit === 0) return;
    this.records.push(record);
    if (this.records.length > this.historyLimit) this.records.splice(0, this.records.length - this.historyLimit);
  }
}

/** A quantization point; see QuantizationPoint. `quantizer({ forward: { format: e4m3 } }).apply(w)`. */
export function quantizer(options?: QuantizerOptions): QuantizationPoint {
  return new QuantizationPoint(options);
}
