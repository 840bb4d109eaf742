/**
 * Validation of float specs and the constants derived from them once (the "plan"), so the
 * quantize loop only reads numbers.
 */
import { FormatSpecError } from '../errors.js';
import type { FloatOverflow, FloatSpec, FloatSpecials, FormatRange } from '../types.js';

export interface FloatSpecInput {
  exponentBits: number;
  mantissaBits: number;
  /** Default 2^(exponentBits-1) - 1 (127 for 'e8m0'). */
  bias?: number;
  /** Default true ('e8m0': false). */
  subnormals?: boolean;
  /** Default 'ieee'. */
  specials?: FloatSpecials;
  /** Default: 'infinity' for ieee, 'nan' for fn/fnuz/e8m0, 'saturate' for finite (ml_dtypes casts). */
  overflow?: FloatOverflow;
}

const SPECIALS: readonly FloatSpecials[] = ['ieee', 'fn', 'fnuz', 'finite', 'e8m0'];
const OVERFLOWS: readonly FloatOverflow[] = ['infinity', 'nan', 'saturate'];

export const FLOAT32_MAX = 3.4028234663852886e38;
export const FLOAT32_MIN_SUBNORMAL = 2 ** -149;

export function defaultOverflow(specials: FloatSpecials): FloatOverflow {
  if (specials === 'ieee') return 'infinity';
  if (specials === 'finite') return 'saturate';
  return 'nan';
}

function checkInteger(field: string, value: unknown, low: number, high: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) {
    throw new FormatSpecError(field, value, `an integer ${low}..${high}`);
  }
  return value;
}

function checkChoice<T extends string>(field: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw new FormatSpecError(field, value, choices.join(', '));
  return value as T;
}

/** Applies defaults and checks every field; the result is a complete, valid spec. */
export function normalizeFloatSpec(input: FloatSpecInput): FloatSpec {
  if (typeof input !== 'object' || input === null) {
    throw new FormatSpecError('spec', input, 'an object { exponentBits, mantissaBits, ... }');
  }
  const specials = checkChoice('specials', input.specials ?? 'ieee', SPECIALS);
  const exponentBits = checkInteger('exponentBits', input.exponentBits, 1, 8);
  const mantissaBits = checkInteger('mantissaBits', input.mantissaBits, 0, 23);
  const bias = checkInteger('bias', input.bias ?? (specials === 'e8m0' ? 127 : 2 ** (exponentBits - 1) - 1), -1000, 1000);
  const subnormals = input.subnormals ?? specials !== 'e8m0';
  if (typeof subnormals !== 'boolean') throw new FormatSpecError('subnormals', subnormals, 'true or false');
  const overflow = checkChoice('overflow', input.overflow ?? defaultOverflow(specials), OVERFLOWS);
  const spec: FloatSpec = { kind: 'float', exponentBits, mantissaBits, bias, subnormals, specials, overflow };
  checkCombination(spec);
  const range = floatRange(spec);
  if (range.max > FLOAT32_MAX) {
    throw new FormatSpecError('bias', bias, `at least ${minimumBias(spec)} for exponentBits ${exponentBits}, mantissaBits ${mantissaBits}`,
      `the largest value ${range.max} would exceed float32's maximum`);
  }
  // Every value must be a float32: the finest spacing, 2^(emin - M) in the lowest normal binade (and
  // among the subnormals), may not be below float32's 2^-149, with or without subnormals.
  if (finestSpacing(spec) < FLOAT32_MIN_SUBNORMAL) {
    throw new FormatSpecError('bias', bias, `at most ${maximumBias(spec)} for these fields`,
      `values would be spaced ${finestSpacing(spec)} apart near the smallest normal ${range.smallestNormal}, below float32's smallest spacing 2^-149`);
  }
  return spec;
}

function checkCombination(spec: FloatSpec): void {
  const { exponentBits: E, mantissaBits: M, specials, overflow, subnormals } = spec;
  if (specials === 'e8m0') {
    if (E !== 8 || M !== 0) {
      throw new FormatSpecError('specials', specials, "'e8m0' only with exponentBits 8 and mantissaBits 0");
    }
    if (subnormals) throw new FormatSpecError('subnormals', subnormals, "false for 'e8m0' (it has no zero)");
    if (overflow === 'infinity') throw new FormatSpecError('overflow', overflow, "'nan' or 'saturate' for 'e8m0'");
    return;
  }
  if (specials === 'ieee' && E < 2) {
    throw new FormatSpecError('exponentBits', E, "at least 2 with specials 'ieee'", 'the top exponent code is reserved for Inf/NaN');
  }
  if (specials === 'fn' && M === 0 && E < 2) {
    throw new FormatSpecError('exponentBits', E, "at least 2 with specials 'fn' and mantissaBits 0");
  }
  if (overflow === 'infinity' && specials !== 'ieee') {
    throw new FormatSpecError('overflow', overflow, `'nan' or 'saturate' with specials '${specials}'`, 'only ieee formats have Inf');
  }
  if (overflow === 'nan' && (specials === 'finite' || (specials === 'ieee' && M === 0))) {
    throw new FormatSpecError('overflow', overflow, `'saturate'${specials === 'ieee' ? " or 'infinity'" : ''} here`,
      'this format has no NaN code');
  }
}

/** Exponent field and mantissa field of the largest finite code. */
function maxFields(spec: FloatSpec): [exponentField: number, mantissaField: number] {
  const topExponent = 2 ** spec.exponentBits - 1;
  const topMantissa = 2 ** spec.mantissaBits - 1;
  switch (spec.specials) {
    case 'ieee':
      return [topExponent - 1, topMantissa];
    case 'fn':
      return spec.mantissaBits === 0 ? [topExponent - 1, 0] : [topExponent, topMantissa - 1];
    case 'e8m0':
      return [topExponent - 1, 0];
    default:
      return [topExponent, topMantissa];
  }
}

/** Exponent of the smallest normal value: e8m0 has no zero, so its code 0 is the normal 2^-bias. */
export function minNormalExponent(spec: FloatSpec): number {
  return spec.specials === 'e8m0' ? -spec.bias : 1 - spec.bias;
}

export function floatRange(spec: FloatSpec): FormatRange {
  const [exponentField, mantissaField] = maxFields(spec);
  const M = spec.mantissaBits;
  const max = 2 ** (exponentField - spec.bias) * (1 + mantissaField / 2 ** M);
  const emin = minNormalExponent(spec);
  const smallestNormal = 2 ** emin;
  const smallestSubnormal = spec.subnormals && M > 0 ? 2 ** (emin - M) : smallestNormal;
  const min = spec.specials === 'e8m0' ? smallestNormal : -max;
  return { max, min, smallestNormal, smallestSubnormal, epsilon: 2 ** -M };
}

function minimumBias(spec: FloatSpec): number {
  let bias = spec.bias;
  while (floatRange({ ...spec, bias }).max > FLOAT32_MAX) bias++;
  return bias;
}

function maximumBias(spec: FloatSpec): number {
  let bias = spec.bias;
  while (finestSpacing({ ...spec, bias }) < FLOAT32_MIN_SUBNORMAL) bias--;
  return bias;
}

function finestSpacing(spec: FloatSpec): number {
  return 2 ** (minNormalExponent(spec) - spec.mantissaBits);
}

/** float32 bit pattern of a positive float32-representable number. */
export function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0];
}

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);
