import { QuantizeOptionsError } from './errors.js';
import { checkOffset, checkSeed } from './random.js';
import { ROUNDINGS, type QuantizeOptions, type Rounding } from './types.js';

/** Quantize options with defaults applied and every field validated. */
export interface ResolvedOptions {
  rounding: Rounding;
  seed: number;
  offset: number;
  randomBits: number;
}

const roundingSet = new Set<string>(ROUNDINGS);

export function resolveOptions(options: QuantizeOptions | undefined): ResolvedOptions {
  const rounding = options?.rounding ?? 'nearest-even';
  if (!roundingSet.has(rounding)) {
    throw new QuantizeOptionsError('rounding', rounding, ROUNDINGS.join(', '));
  }
  const randomBits = options?.randomBits ?? 32;
  if (!Number.isInteger(randomBits) || randomBits < 1 || randomBits > 32) {
    throw new QuantizeOptionsError('randomBits', randomBits, 'an integer 1..32');
  }
  return {
    rounding,
    seed: checkSeed(options?.seed ?? 0),
    offset: checkOffset(options?.offset ?? 0),
    randomBits,
  };
}

/** The output array: `options.out` when given (checked), else a new one. */
export function outputFor(values: Float32Array, options: QuantizeOptions | undefined): Float32Array {
  if (!(values instanceof Float32Array)) {
    throw new QuantizeOptionsError('values', Object.prototype.toString.call(values), 'a Float32Array');
  }
  const out = options?.out;
  if (out === undefined) return new Float32Array(values.length);
  if (!(out instanceof Float32Array) || out.length !== values.length) {
    throw new QuantizeOptionsError(
      'out',
      out instanceof Float32Array ? `Float32Array(${out.length})` : out,
      `a Float32Array of the input's length ${values.length}`,
    );
  }
  return out;
}

/** The narrowest unsigned array type that holds codes of `bits` bits. */
export function codeArray(bits: number, length: number): Uint8Array | Uint16Array | Uint32Array {
  if (bits <= 8) return new Uint8Array(length);
  if (bits <= 16) return new Uint16Array(length);
  return new Uint32Array(length);
}
