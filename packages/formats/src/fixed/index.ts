import { EncodingError } from '../errors.js';
import { codeArray, outputFor, resolveOptions } from '../options.js';
import type { FixedPointFormat, QuantizeOptions } from '../types.js';
import { quantizeFixedPoint, type FixedPointPlan } from './quantize.js';
import { fixedPointFormatName, fixedPointRange, integerLimits, normalizeFixedPointSpec, type FixedPointSpecInput } from './spec.js';

export type { FixedPointSpecInput } from './spec.js';

/**
 * A fixed point format: a wordBits-bit two's complement (or unsigned) integer times
 * 2^-fractionBits. Codes are the word's bit pattern read as an unsigned integer (signed -1 in 8
 * bits is code 255). Quantize maps NaN to NaN; encode rejects NaN, which has no code. ±Inf
 * saturates to the ends of the range, also with overflow 'wrap'.
 */
export function fixedPointFormat(input: FixedPointSpecInput): FixedPointFormat {
  const spec = Object.freeze(normalizeFixedPointSpec(input));
  const { wordBits, fractionBits, signed } = spec;
  const [low, high] = integerLimits(spec);
  const plan: FixedPointPlan = {
    scale: 2 ** fractionBits,
    step: 2 ** -fractionBits,
    low,
    high,
    wrap: spec.overflow === 'wrap',
    signed,
    wrapShift: 32 - wordBits,
  };
  const codeCount = 2 ** wordBits;
  const name = fixedPointFormatName(spec);

  function quantize(values: Float32Array, options?: QuantizeOptions): Float32Array {
    const out = outputFor(values, options);
    quantizeFixedPoint(plan, values, out, resolveOptions(options));
    return out;
  }

  function encode(values: Float32Array, options?: QuantizeOptions): Uint8Array | Uint16Array | Uint32Array {
    const quantized = quantize(values, { ...options, out: undefined });
    const codes = codeArray(wordBits, values.length);
    for (let i = 0; i < quantized.length; i++) {
      const integer = quantized[i] * plan.scale;
      if (integer !== integer) {
        throw new EncodingError(`NaN at index ${i} has no code in ${name} (fixed point has no NaN)`);
      }
      // A negative integer's code is its two's complement pattern: integer + 2^wordBits.
      codes[i] = integer < 0 ? integer + codeCount : integer;
    }
    return codes;
  }

  function decode(codes: ArrayLike<number>): Float32Array {
    const out = new Float32Array(codes.length);
    const signBoundary = signed ? codeCount / 2 : codeCount;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (!(code >= 0 && code < codeCount && Number.isInteger(code))) {
        throw new EncodingError(`code ${code} at index ${i} is not a ${wordBits}-bit code of ${name} (allowed: integers 0..${codeCount - 1})`);
      }
      out[i] = (code >= signBoundary ? code - codeCount : code) * plan.step + 0; // code -0 reads as +0
    }
    return out;
  }

  return Object.freeze({ spec, name, bits: wordBits, range: Object.freeze(fixedPointRange(spec)), quantize, encode, decode });
}
