/**
 * Records (m, g) samples from a live Bop run for the momentum encoding search (papers.md
 * section 4: "replay logged (m, g) from a short FP32 run").
 *
 * Subsampling is seeded and per index: element i of parameter p is recorded iff
 * randomUint32(deriveSeed(seed, p), i) < fraction · 2^32. The same elements are therefore
 * recorded at every step (each one is a *series*, so a trajectory can be replayed), the choice does
 * not depend on the order parameters are visited, and the same seed records the same elements.
 * Samples are kept in step order, and within a step by parameter and index.
 */
import { deriveSeed } from '@lowbit/autograd';
import { randomUint32 } from '@lowbit/formats';
import { ArgumentError } from '@lowbit/tensor';

/** (m, g) pairs, optionally with what a replay needs beyond them. */
export interface MomentumSamples {
  /** The stored momentum before the update. */
  momentum: Float32Array;
  /** The gradient of the update. */
  gradient: Float32Array;
  /** The weight before the update (its sign decides the flip); without it flips are compared by direction. */
  weight?: Float32Array;
  /** gamma and tau as used for each sample (a schedule may change them). */
  adaptivity?: Float32Array;
  threshold?: Float32Array;
  /** Trajectory replay: which element (series) each sample belongs to, and its step. */
  series?: Uint32Array;
  step?: Uint32Array;
}

export interface MomentumRecorderOptions {
  /** Fraction of the elements of each parameter to record (0, 1]. Default 0.01. */
  fraction?: number;
  /** Key of the subsampling. Default 0. */
  seed?: number;
  /** Record every `every`-th step (trajectory replay needs 1). Default 1. */
  every?: number;
  /** Stop after this many samples (`truncated` becomes true). Default 1,000,000. */
  limit?: number;
}

/** What Bop hands the recorder at each step, per parameter. */
export interface RecordInput {
  parameter: string;
  step: number;
  momentum: Float32Array;
  gradient: Float32Array;
  weights: Float32Array;
  adaptivity: number;
  threshold: number;
}

export interface MomentumRecorder {
  readonly fraction: number;
  readonly seed: number;
  readonly every: number;
  readonly limit: number;
  /** Samples recorded so far. */
  readonly count: number;
  /** True once `limit` stopped the recording. */
  readonly truncated: boolean;
  /** Called by Bop. */
  record(input: RecordInput): void;
  /** The samples so far (copies). */
  samples(): MomentumSamples;
  clear(): void;
}

export function momentumRecorder(options: MomentumRecorderOptions = {}): MomentumRecorder {
  const op = 'momentumRecorder';
  const fraction = options.fraction ?? 0.01;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1)) throw new ArgumentError(op, 'fraction', fraction, 'a number in (0, 1]', '0.01 records one element in a hundred');
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(op, 'seed', seed, 'a non-negative safe integer');
  const every = options.every ?? 1;
  if (!Number.isSafeInteger(every) || every < 1) throw new ArgumentError(op, 'every', every, 'an integer >= 1');
  const limit = options.limit ?? 1_000_000;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new ArgumentError(op, 'limit', limit, 'an integer >= 1');

  const threshold32 = Math.min(fraction * 2 ** 32, 2 ** 32);
  const chosen = new Map<string, { indices: Uint32Array; firstSeries: number }>();
  let seriesCount = 0;
  const columns = { momentum: [] as number[], gradient: [] as number[], weight: [] as number[], adaptivity: [] as number[], threshold: [] as number[], series: [] as number[], step: [] as number[] };
  let truncated = false;

  function indicesOf(parameter: string, size: number): { indices: Uint32Array; firstSeries: number } {
    let entry = chosen.get(parameter);
    if (entry === undefined) {
      const key = deriveSeed(seed, parameter);
      const indices: number[] = [];
      for (let i = 0; i < size; i++) if (randomUint32(key, i) < threshold32) indices.push(i);
      entry = { indices: Uint32Array.from(indices), firstSeries: seriesCount };
      seriesCount += indices.length;
      chosen.set(parameter, entry);
    }
    return entry;
  }

  return {
    fraction,
    seed,
    every,
    limit,
    get count() {
      return columns.momentum.length;
    },
    get truncated() {
      return truncated;
    },
    record(input: RecordInput): void {
      if (truncated || input.step % every !== 0) return;
      const { indices, firstSeries } = indicesOf(input.parameter, input.momentum.length);
      for (let k = 0; k < indices.length; k++) {
        if (columns.momentum.length >= limit) {
          truncated = true;
          return;
        }
        const i = indices[k];
        columns.momentum.push(input.momentum[i]);
        columns.gradient.push(input.gradient[i]);
        columns.weight.push(input.weights[i]);
        columns.adaptivity.push(input.adaptivity);
        columns.threshold.push(input.threshold);
        columns.series.push(firstSeries + k);
        columns.step.push(input.step);
      }
    },
    samples(): MomentumSamples {
      return {
        momentum: Float32Array.from(columns.momentum),
        gradient: Float32Array.from(columns.gradient),
        weight: Float32Array.from(columns.weight),
        adaptivity: Float32Array.from(columns.adaptivity),
        threshold: Float32Array.from(columns.threshold),
        series: Uint32Array.from(columns.series),
        step: Uint32Array.from(columns.step),
      };
    },
    clear(): void {
      for (const column of Object.values(columns)) column.length = 0;
      truncated = false;
    },
  };
}
