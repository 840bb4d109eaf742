/**
 * Search for the narrowest float encoding of Bop's momentum (Yayla & Chen, papers.md section 4):
 * replay recorded (m, g) samples through candidate (exponentBits, mantissaBits, bias) encodings,
 * compare each with float32 on two numbers, and return the smallest candidate within tolerance
 * together with the whole table.
 *
 * - extra unchanged fraction = (U_candidate - U_float32) / n: momentum updates the candidate loses
 *   beyond those float32 itself loses;
 * - flip disagreement = fraction of samples whose flip decision differs from float32's.
 *
 * The bias is searched, not fixed: Bop's momentum lives around tau = 1e-8 and gamma · g, far
 * below 1, where a default bias has no values at all (float16's smallest subnormal is 2^-24 ≈
 * 6e-8 > 1e-8). Candidates are 'finite' floats (every code a number, saturating) with subnormals
 * by default, since momentum needs neither Inf nor NaN codes. The tolerances' defaults and the
 * automatic bias window are reconstructions (R): the paper's values are not published
 * (docs/decisions/0012).
 */
import { ArgumentError } from '@lowbit/tensor';
import { FormatSpecError, fitBias, floatFormat, type ElementFormat, type ElementSpec, type FloatSpecials, type Rounding } from '@lowbit/formats';
import type { MomentumSamples } from './recorder.js';
import { checkSamples, replayMomentum, type ReplayOptions } from './replay.js';

/** A list of integers, or an inclusive range. */
export type IntegerChoice = readonly number[] | { min: number; max: number };

export interface EncodingCandidates {
  /** Default { min: 1, max: 8 }. */
  exponentBits?: IntegerChoice;
  /** Default { min: 0, max: 10 }. */
  mantissaBits?: IntegerChoice;
  /**
   * Biases to try per (E, M). Default 'auto': fitBias's bias b that just covers the largest
   * |m| of the replay, and b - 1 .. b + 3 around it (higher biases trade a saturated top binade
   * for finer small values). Biases a format cannot have (values outside float32) are skipped.
   */
  bias?: IntegerChoice | 'auto';
  /** Default 'finite'. */
  specials?: FloatSpecials;
  /** Default true. */
  subnormals?: boolean;
  /** Further formats to evaluate and list (float16, bfloat16, ...): they compete like the others. */
  formats?: readonly ElementFormat[];
}

export interface EncodingTolerances {
  /** Default 0.01 (R). */
  extraUnchangedFraction?: number;
  /** Default 0.001 (R). */
  flipDisagreement?: number;
}

export interface MomentumEncodingSearchOptions {
  /** Recorded samples (momentumRecorder), or a function that produces them (e.g. a short live run). */
  samples: MomentumSamples | (() => MomentumSamples);
  candidates?: EncodingCandidates;
  tolerances?: EncodingTolerances;
  /** gamma for every sample (default: as recorded). */
  adaptivity?: number;
  /** tau for every sample (default: as recorded). */
  threshold?: number;
  /** Rounding of the momentum into each candidate. Default 'nearest-even'. */
  rounding?: Rounding;
  seed?: number;
  /** Default 'pairs'. */
  replay?: 'pairs' | 'trajectory';
}

export interface EncodingCandidateResult {
  name: string;
  spec: ElementSpec;
  format: ElementFormat;
  bits: number;
  unchanged: number;
  unchangedFraction: number;
  extraUnchangedFraction: number;
  flipDisagreement: number;
  passes: boolean;
}

export interface MomentumEncodingSearchResult {
  /** The passing candidate with the fewest bits (ties: lowest flip disagreement, then extra unchanged fraction); undefined if none passes. */
  best: EncodingCandidateResult | undefined;
  /** Every candidate, ordered by bits, then exponent bits, mantissa bits and bias. */
  table: EncodingCandidateResult[];
  /** Float32 on the same samples. */
  reference: { unchanged: number; unchangedFraction: number };
  samples: number;
  tolerances: Required<EncodingTolerances>;
}

function integers(op: string, field: string, choice: IntegerChoice, low: number, high: number): number[] {
  const list = Array.isArray(choice) ? [...(choice as readonly number[])] : Array.from({ length: Math.max(0, (choice as { max: number }).max - (choice as { min: number }).min + 1) }, (_, i) => (choice as { min: number }).min + i);
  if (list.length === 0 || !list.every((v) => Number.isInteger(v) && v >= low && v <= high)) {
    throw new ArgumentError(op, field, choice, `integers in ${low}..${high} (a list or { min, max })`);
  }
  return list;
}

function tolerance(op: string, field: string, value: unknown, fallback: number): number {
  const result = value ?? fallback;
  if (typeof result !== 'number' || !(result >= 0 && result <= 1)) throw new ArgumentError(op, `tolerances.${field}`, result, 'a fraction in [0, 1]');
  return result;
}

/** Largest finite |m| that the float32 replay holds before and after the update: what a candidate must cover. */
function largestMagnitude(samples: MomentumSamples, options: ReplayOptions): number {
  let largest = 0;
  const { momentum, gradient } = samples;
  for (let i = 0; i < momentum.length; i++) {
    const gamma = options.adaptivity ?? samples.adaptivity?.[i] ?? 0;
    const after = Math.abs(momentum[i] + gamma * (gradient[i] - momentum[i]));
    const value = Math.max(Math.abs(momentum[i]), after);
    if (Number.isFinite(value) && value > largest) largest = value;
  }
  return largest;
}

export function searchMomentumEncoding(options: MomentumEncodingSearchOptions): MomentumEncodingSearchResult {
  const op = 'searchMomentumEncoding';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ samples, candidates?, tolerances?, adaptivity?, threshold? }');
  const samples = typeof options.samples === 'function' ? options.samples() : options.samples;
  const n = checkSamples(op, samples);
  const candidates = options.candidates ?? {};
  const tolerances = {
    extraUnchangedFraction: tolerance(op, 'extraUnchangedFraction', options.tolerances?.extraUnchangedFraction, 0.01),
    flipDisagreement: tolerance(op, 'flipDisagreement', options.tolerances?.flipDisagreement, 0.001),
  };
  const replay: ReplayOptions = { adaptivity: options.adaptivity, threshold: options.threshold, rounding: options.rounding, seed: options.seed, replay: options.replay };
  const reference = replayMomentum(samples, 'float32', replay);

  const formats: ElementFormat[] = [];
  const specials = candidates.specials ?? 'finite';
  const subnormals = candidates.subnormals ?? true;
  const exponents = integers(op, 'candidates.exponentBits', candidates.exponentBits ?? { min: 1, max: 8 }, 1, 8);
  const mantissas = integers(op, 'candidates.mantissaBits', candidates.mantissaBits ?? { min: 0, max: 10 }, 0, 23);
  const biasChoice = candidates.bias ?? 'auto';
  const largest = biasChoice === 'auto' ? largestMagnitude(samples, replay) : 0;
  for (const exponentBits of exponents) {
    for (const mantissaBits of mantissas) {
      let biases: number[];
      if (biasChoice === 'auto') {
        let fitted: number;
        try {
          fitted = fitBias(largest, { exponentBits, mantissaBits, specials, subnormals }).bias;
        } catch (error) {
          if (error instanceof FormatSpecError) continue; // no such format (e.g. 'ieee' with 1 exponent bit)
          throw error;
        }
        biases = [fitted - 1, fitted, fitted + 1, fitted + 2, fitted + 3];
      } else biases = integers(op, 'candidates.bias', biasChoice, -1000, 1000);
      for (const bias of biases) {
        try {
          formats.push(floatFormat({ exponentBits, mantissaBits, bias, specials, subnormals }));
        } catch (error) {
          if (!(error instanceof FormatSpecError)) throw error;
        }
      }
    }
  }
  formats.push(...(candidates.formats ?? []));

  const table = formats.map((format) => {
    const outcome = replayMomentum(samples, format, replay);
    let disagreements = 0;
    for (let i = 0; i < n; i++) if (outcome.decisions[i] !== reference.decisions[i]) disagreements++;
    const extraUnchangedFraction = (outcome.unchanged - reference.unchanged) / n;
    const flipDisagreement = disagreements / n;
    return {
      name: format.name,
      spec: format.spec,
      format,
      bits: format.bits,
      unchanged: outcome.unchanged,
      unchangedFraction: outcome.unchanged / n,
      extraUnchangedFraction,
      flipDisagreement,
      passes: extraUnchangedFraction <= tolerances.extraUnchangedFraction && flipDisagreement <= tolerances.flipDisagreement,
    };
  });
  const key = (r: EncodingCandidateResult) => {
    const spec = r.spec as { exponentBits?: number; mantissaBits?: number; bias?: number };
    return [r.bits, spec.exponentBits ?? 0, spec.mantissaBits ?? 0, spec.bias ?? 0];
  };
  table.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  });
  let best: EncodingCandidateResult | undefined;
  for (const row of table) {
    if (!row.passes) continue;
    if (
      best === undefined ||
      row.bits < best.bits ||
      (row.bits === best.bits &&
        (row.flipDisagreement < best.flipDisagreement || (row.flipDisagreement === best.flipDisagreement && row.extraUnchangedFraction < best.extraUnchangedFraction)))
    ) {
      best = row;
    }
  }
  return { best, table, reference: { unchanged: reference.unchanged, unchangedFraction: reference.unchanged / n }, samples: n, tolerances };
}
