/**
 * Replaying recorded Bop momentum samples through a storage format: how many momentum values the
 * format leaves unchanged (Yayla & Chen's U) and which flips it decides, for comparison with
 * float32. The arithmetic is Bop's (bop.ts): m' = fl(m + fl(gamma · fl(g - m))), then m' is
 * rounded into the format, and the flip test uses the stored m'.
 *
 * - 'pairs' (papers.md): every sample on its own. m is first rounded into the format (the format
 *   has to hold it), then updated once.
 * - 'trajectory': each recorded element (series) is followed through its steps: the format's
 *   momentum starts from the rounded first recorded m and then evolves on its own, fed only the
 *   recorded gradients, so losses accumulate as they would in a run with that storage.
 */
import { ArgumentError } from '@lowbit/tensor';
import type { ElementFormat, Rounding } from '@lowbit/formats';
import type { MomentumSamples } from './recorder.js';

export interface ReplayOptions {
  /** gamma for every sample; default: the recorded `adaptivity` of each sample. */
  adaptivity?: number;
  /** tau for every sample; default: the recorded `threshold` of each sample. */
  threshold?: number;
  /** Rounding into the format. Default 'nearest-even'. */
  rounding?: Rounding;
  /** Stochastic rounding key. Default 0. */
  seed?: number;
  /** Default 'pairs'. */
  replay?: 'pairs' | 'trajectory';
}

export interface ReplayOutcome {
  samples: number;
  /** U: samples whose stored momentum did not change. */
  unchanged: number;
  /**
   * Per sample: with weights, 1 when w flips and 0 when not; without weights, the direction
   * +1 (m' > tau: a +1 weight would flip), -1 (m' < -tau) or 0.
   */
  decisions: Int8Array;
}

const fround = Math.fround;

function column(samples: MomentumSamples, field: 'adaptivity' | 'threshold', given: number | undefined): (i: number) => number {
  if (given !== undefined) {
    const value = fround(given);
    return () => value;
  }
  const values = samples[field];
  if (values === undefined) {
    throw new ArgumentError('replay', field, undefined, `a number, or samples with a recorded ${field} column`, field === 'adaptivity' ? 'pass adaptivity (gamma), e.g. 1e-4' : 'pass threshold (tau), e.g. 1e-8');
  }
  return (i) => values[i];
}

export function checkSamples(op: string, samples: MomentumSamples): number {
  if (samples === null || typeof samples !== 'object' || !(samples.momentum instanceof Float32Array) || !(samples.gradient instanceof Float32Array)) {
    throw new ArgumentError(op, 'samples', samples, '{ momentum: Float32Array, gradient: Float32Array, ... } (recorder.samples())');
  }
  const n = samples.momentum.length;
  for (const field of ['gradient', 'weight', 'adaptivity', 'threshold', 'series', 'step'] as const) {
    const values = samples[field];
    if (values !== undefined && values.length !== n) throw new ArgumentError(op, `samples.${field}.length`, values.length, `${n}, the length of samples.momentum`);
  }
  if (n === 0) throw new ArgumentError(op, 'samples', 'no samples', 'at least one (m, g) sample', 'record a few steps with momentumRecorder first');
  return n;
}

/** Replays the samples through `format` ('float32': no rounding beyond float32 arithmetic). */
export function replayMomentum(samples: MomentumSamples, format: ElementFormat | 'float32', options: ReplayOptions = {}): ReplayOutcome {
  const n = checkSamples('replayMomentum', samples);
  const gamma = column(samples, 'adaptivity', options.adaptivity);
  const tau = column(samples, 'threshold', options.threshold);
  const rounding = options.rounding ?? 'nearest-even';
  const seed = options.seed ?? 0;
  let offset = 0;
  const round = (values: Float32Array): Float32Array => {
    if (format === 'float32') return values;
    const result = format.quantize(values, { rounding, seed, offset, out: values });
    offset += values.length;
    return result;
  };
  const { momentum, gradient, weight } = samples;
  const decisions = new Int8Array(n);
  const decide = (i: number, m: number) => {
    const t = tau(i);
    const direction = m > t ? 1 : m < -t ? -1 : 0;
    decisions[i] = weight === undefined ? direction : direction !== 0 && direction === (weight[i] < 0 ? -1 : 1) ? 1 : 0;
  };
  let unchanged = 0;
  const same = (a: number, b: number) => a === b || (a !== a && b !== b);

  if ((options.replay ?? 'pairs') === 'pairs') {
    const before = round(Float32Array.from(momentum));
    const after = new Float32Array(n);
    for (let i = 0; i < n; i++) after[i] = before[i] + fround(gamma(i) * fround(gradient[i] - before[i]));
    round(after);
    for (let i = 0; i < n; i++) {
      if (same(after[i], before[i])) unchanged++;
      decide(i, after[i]);
    }
    return { samples: n, unchanged, decisions };
  }

  const { series, step } = samples;
  if (series === undefined || step === undefined) {
    throw new ArgumentError('replayMomentum', 'samples.series', undefined, 'series and step columns for replay "trajectory"', 'record with momentumRecorder (every: 1), or use replay "pairs"');
  }
  const state = new Map<number, { m: number; step: number }>();
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && step[end] === step[start]) end++;
    const size = end - start;
    const before = new Float32Array(size);
    const fresh: number[] = [];
    for (let k = 0; k < size; k++) {
      const i = start + k;
      const previous = state.get(series[i]);
      if (previous === undefined) {
        before[k] = momentum[i];
        fresh.push(k);
      } else if (previous.step !== step[i] - 1) {
        throw new ArgumentError('replayMomentum', 'samples.step', `series ${series[i]} jumps from step ${previous.step} to ${step[i]}`, 'consecutive steps per series for replay "trajectory"', 'record with every: 1');
      } else before[k] = previous.m;
    }
    if (fresh.length > 0) {
      const initial = round(Float32Array.from(fresh, (k) => before[k]));
      fresh.forEach((k, j) => (before[k] = initial[j]));
    }
    const after = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      const i = start + k;
      after[k] = before[k] + fround(gamma(i) * fround(gradient[i] - before[k]));
    }
    round(after);
    for (let k = 0; k < size; k++) {
      const i = start + k;
      if (same(after[k], before[k])) unchanged++;
      decide(i, after[k]);
      state.set(series[i], { m: after[k], step: step[i] });
    }
    start = end;
  }
  return { samples: n, unchanged, decisions };
}
