/** Validation, range and name of binary specs (values ±scale). */
import { FormatSpecError } from '../errors.js';
import type { BinarySpec, FormatRange } from '../types.js';

export interface BinarySpecInput {
  /** The magnitude of both values: a positive finite float32. Default 1. */
  scale?: number;
}

const FLOAT32_MAX = 3.4028234663852886e38;

export function normalizeBinarySpec(input: BinarySpecInput = {}): BinarySpec {
  if (typeof input !== 'object' || input === null) {
    throw new FormatSpecError('spec', input, 'an object { scale? }');
  }
  const scale = input.scale ?? 1;
  if (typeof scale !== 'number' || !(scale > 0 && scale <= FLOAT32_MAX)) {
    throw new FormatSpecError('scale', scale, 'a positive finite float32 number');
  }
  if (Math.fround(scale) !== scale) {
    throw new FormatSpecError('scale', scale, 'a positive finite float32 number',
      `${scale} is not exactly a float32; the nearest float32 is ${Math.fround(scale)}`);
  }
  return { kind: 'binary', scale };
}

/**
 * Both values are ±scale, so scale is max, smallest normal and smallest subnormal alike. epsilon
 * is the gap between the two values relative to scale (2), as float epsilon 2^-M is a relative gap.
 */
export function binaryRange(spec: BinarySpec): FormatRange {
  const { scale } = spec;
  return { max: scale, min: -scale, smallestNormal: scale, smallestSubnormal: scale, epsilon: 2 };
}

/**
 * `binary` for scale 1, else `binary_s<scale>` with the shortest decimal that reads back as the
 * same number (JavaScript's String(number)), e.g. `binary_s0.5`, `binary_s1e-7`.
 */
export function binaryFormatName(spec: BinarySpec): string {
  return spec.scale === 1 ? 'binary' : `binary_s${String(spec.scale)}`;
}
