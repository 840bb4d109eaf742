/**
 * Choosing a float format's bias (its exponent offset) from the largest magnitude it must hold, for
 * the "asymmetric exponent" of Pietrołaj & Blok (papers.md): the bias moves the representable range
 * without adding bits, so a tensor whose values are all far below 1 can use its exponent codes for
 * small magnitudes instead of wasting them above max |x|.
 */
import { RangeAnalysisError } from '../errors.js';
import { FLOAT32_MAX, floatRange, minNormalExponent, normalizeFloatSpec, type FloatSpecInput } from '../float/spec.js';
import type { FloatSpec } from '../types.js';

export type BiasRule = 'cover' | 'floor-log2';

export interface FitBiasOptions {
  /** Binades of headroom above max |x| (an integer, default 0): max >= maxAbs · 2^marginBits. */
  marginBits?: number;
  /**
   * 'cover' (default): the largest bias (finest resolution) whose max is at least maxAbs · 2^marginBits.
   * 'floor-log2': papers.md's reconstruction, offset = emax − floor(log2 maxAbs) − marginBits, with emax
   * the exponent of max at the default bias. It ignores significands, so it gives one binade less
   * than 'cover' when maxAbs's significand exceeds max's (max |x| then overflows by less than a binade).
   */
  rule?: BiasRule;
}

export interface BiasFit {
  /** The fitted bias. */
  bias: number;
  /** Exponent offset: bias − the default bias of these fields (2^(E−1) − 1; 127 for e8m0). */
  offset: number;
  /** The input spec with the fitted bias, complete and valid: floatFormat(fit.spec) builds it. */
  spec: FloatSpec;
  /** Largest finite value at the fitted bias. */
  max: number;
  /** The wanted bias was outside what float32 allows (or ±1000) and was clamped to the nearest valid one. */
  clamped: boolean;
}

const MAX_MARGIN = 256;

/**
 * The bias that places the format's max just above `maxAbs` (with `marginBits` binades to spare).
 * `spec` is the current format's spec (any valid one: its bias is replaced). maxAbs 0 (an all-zero
 * tensor) carries no information: the spec's own bias is kept.
 */
export function fitBias(maxAbs: number, spec: FloatSpecInput, options: FitBiasOptions = {}): BiasFit {
  const current = normalizeFloatSpec(spec);
  const { marginBits = 0, rule = 'cover' } = options;
  checkArguments(maxAbs, marginBits, rule);
  const defaultBias = defaultBiasOf(current);
  if (maxAbs === 0) return fitAt(current, current.bias, defaultBias, false);
  const maxAt = (bias: number) => floatRange({ ...current, bias }).max;
  // max(bias) = max(defaultBias) · 2^(defaultBias − bias), exactly (a power-of-two scaling).
  const emax = floorLog2(maxAt(defaultBias));
  let bias = defaultBias + emax - floorLog2(maxAbs) - marginBits;
  if (rule === 'cover' && maxAt(bias) < maxAbs * 2 ** marginBits) bias--;
  const [lowest, highest] = validBiases(current);
  const clamped = Math.min(Math.max(bias, lowest), highest);
  return fitAt(current, clamped, defaultBias, clamped !== bias);
}

/** The exponent offset (bias − default bias) of `fitBias`. */
export function exponentOffsetFor(maxAbs: number, spec: FloatSpecInput, options: FitBiasOptions = {}): number {
  return fitBias(maxAbs, spec, options).offset;
}

function fitAt(current: FloatSpec, bias: number, defaultBias: number, clamped: boolean): BiasFit {
  const spec = normalizeFloatSpec({ ...current, bias });
  return { bias, offset: bias - defaultBias, spec, max: floatRange(spec).max, clamped };
}

function checkArguments(maxAbs: number, marginBits: number, rule: BiasRule): void {
  if (typeof maxAbs !== 'number' || !(maxAbs >= 0 && maxAbs < Infinity)) {
    throw new RangeAnalysisError('maxAbs', maxAbs, 'a finite number >= 0', 'a NaN or infinite max |x| means the tensor itself overflowed upstream');
  }
  if (!Number.isInteger(marginBits) || Math.abs(marginBits) > MAX_MARGIN) {
    throw new RangeAnalysisError('marginBits', marginBits, `an integer -${MAX_MARGIN}..${MAX_MARGIN}`, 'the bias moves in whole binades');
  }
  if (rule !== 'cover' && rule !== 'floor-log2') throw new RangeAnalysisError('rule', rule, "'cover' or 'floor-log2'");
}

function defaultBiasOf(spec: FloatSpec): number {
  return spec.specials === 'e8m0' ? 127 : 2 ** (spec.exponentBits - 1) - 1;
}

/**
 * Biases normalizeFloatSpec accepts for these fields: max <= float32 max (max falls as the bias
 * grows) and the finest spacing 2^(emin − M) >= 2^-149 (emin falls as the bias grows), within ±1000.
 */
function validBiases(spec: FloatSpec): [lowest: number, highest: number] {
  const highest = Math.min(1000, minNormalExponent({ ...spec, bias: 0 }) - spec.mantissaBits + 149);
  const maxAtZero = floatRange({ ...spec, bias: 0 }).max;
  let lowest = Math.max(-1000, Math.floor(Math.log2(maxAtZero / FLOAT32_MAX)) - 1);
  while (maxAtZero * 2 ** -lowest > FLOAT32_MAX) lowest++;
  return [lowest, highest];
}

/** floor(log2 value) for a positive finite number, exact also next to powers of two. */
function floorLog2(value: number): number {
  let exponent = Math.floor(Math.log2(value));
  if (2 ** exponent > value) exponent--;
  else if (2 ** (exponent + 1) <= value) exponent++;
  return exponent;
}
