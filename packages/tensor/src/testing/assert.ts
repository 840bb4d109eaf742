/**
 * Comparisons used by conformance cases. Expected values are computed in float64 by the case;
 * a tolerance says how far a float32 result may be from them, and why.
 */
import type { DType } from '../kernels/contract.js';
import type { Tensor } from '../tensor.js';

/** Unit roundoff of float32 (half an ulp of 1). */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/**
 * gamma(n) = n u / (1 - n u): the classic bound on the relative error of n float32 operations in
 * any order. A sum of n terms computed in float32 in ANY association (sequential, pairwise,
 * blocked, SIMD lanes, split across threads) is within gamma(n - 1) * sum |term| of the exact sum;
 * a dot product of length k (products rounded, or fused) within gamma(k) * sum |a b|.
 */
export function gamma(n: number): number {
  const nu = n * FLOAT32_UNIT_ROUNDOFF;
  return nu / (1 - nu);
}

/**
 * How actual values may differ from expected ones:
 * - 'exact': equal as numbers after rounding the expectation to float32 (NaN matches NaN,
 *   -0 matches +0);
 * - 'bitwise': identical float32 bit patterns (quantize must match @lowbit/formats like this);
 * - { relative, absolute, bounds }: |actual - expected| <= absolute + relative |expected|
 *   + bounds[i] (per element, e.g. gamma(n) * sum |terms|); infinities and NaN must match exactly.
 */
export type Tolerance = 'exact' | 'bitwise' | { relative?: number; absolute?: number; bounds?: ArrayLike<number> };

/**
 * Results of elementwise ops computed with a correctly rounded float64 function and one rounding
 * to float32 are within 1 ulp; this allows 4 ulps (relative 2^-21) for backends that use their
 * own float32 approximations of exp, log, tanh, pow.
 */
export const TRANSCENDENTAL_TOLERANCE: Tolerance = { relative: 2 ** -21, absolute: 2 ** -126 };

export interface Expected {
  shape: readonly number[];
  values: ArrayLike<number>;
  /** Default 'float32'. */
  dtype?: DType;
}

/** A mismatch between a backend's result and the conformance expectation. */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
}

export function expectShape(actual: Tensor, shape: readonly number[], label = 'result'): void {
  if (actual.shape.length !== shape.length || actual.shape.some((d, i) => d !== shape[i])) {
    throw new ConformanceError(`${label}: shape [${actual.shape.join(',')}], expected [${shape.join(',')}]`);
  }
}

/** Checks shape, dtype and values of `actual` against `expected` under `tolerance`. */
export function expectTensor(actual: Tensor, expected: Expected, tolerance: Tolerance = 'exact', label = 'result'): void {
  expectShape(actual, expected.shape, label);
  const dtype = expected.dtype ?? 'float32';
  if (actual.dtype !== dtype) throw new ConformanceError(`${label}: dtype ${actual.dtype}, expected ${dtype}`);
  const values = actual.data();
  if (values.length !== expected.values.length) {
    throw new ConformanceError(`${label}: ${values.length} values, expected ${expected.values.length}`);
  }
  const failures: string[] = [];
  let failureCount = 0;
  for (let i = 0; i < values.length; i++) {
    const problem = compare(values[i], expected.values[i], dtype, tolerance, i);
    if (problem === undefined) continue;
    failureCount++;
    if (failures.length < 5) failures.push(`  [${i}] ${problem}`);
  }
  if (failureCount > 0) {
    throw new ConformanceError(
      `${label}: ${failureCount} of ${values.length} values differ (shape [${expected.shape.join(',')}], tolerance ${describeTolerance(tolerance)}):\n${failures.join('\n')}`,
    );
  }
}

const bitsView = new Float32Array(2);
const bitsWords = new Uint32Array(bitsView.buffer);

function compare(actual: number, expected: number, dtype: DType, tolerance: Tolerance, index: number): string | undefined {
  if (dtype === 'int32') return actual === expected ? undefined : `got ${actual}, expected ${expected}`;
  const target = Math.fround(expected);
  if (tolerance === 'bitwise') {
    bitsView[0] = actual;
    bitsView[1] = expected;
    if (bitsWords[0] === bitsWords[1]) return undefined;
    return `got ${actual} (0x${hex(bitsWords[0])}), expected ${expected} (0x${hex(bitsWords[1])})`;
  }
  if (Number.isNaN(target) || Number.isNaN(actual)) {
    return Number.isNaN(target) && Number.isNaN(actual) ? undefined : `got ${actual}, expected ${expected}`;
  }
  if (actual === target) return undefined;
  if (tolerance === 'exact' || !Number.isFinite(target) || !Number.isFinite(actual)) {
    return `got ${actual}, expected ${expected}`;
  }
  const allowed = (tolerance.absolute ?? 0) + (tolerance.relative ?? 0) * Math.abs(expected) + (tolerance.bounds?.[index] ?? 0);
  const error = Math.abs(actual - expected);
  return error <= allowed ? undefined : `got ${actual}, expected ${expected} (error ${error.toExponential(3)} > allowed ${allowed.toExponential(3)})`;
}

function hex(word: number): string {
  return word.toString(16).padStart(8, '0');
}

function describeTolerance(tolerance: Tolerance): string {
  if (typeof tolerance === 'string') return tolerance;
  const parts: string[] = [];
  if (tolerance.relative !== undefined) parts.push(`relative ${tolerance.relative.toExponential(2)}`);
  if (tolerance.absolute !== undefined) parts.push(`absolute ${tolerance.absolute.toExponential(2)}`);
  if (tolerance.bounds !== undefined) parts.push('per-element bounds');
  return parts.join(', ') || 'exact';
}

/** Throws a ConformanceError unless `run` throws an error whose name is `errorName`. */
export function expectThrows(run: () => unknown, errorName: string, label = 'call'): void {
  try {
    run();
  } catch (error) {
    if (error instanceof Error && error.name === errorName) return;
    throw new ConformanceError(`${label}: threw ${error instanceof Error ? error.name : String(error)}, expected ${errorName}`);
  }
  throw new ConformanceError(`${label}: did not throw, expected ${errorName}`);
}
