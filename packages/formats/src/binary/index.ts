import { EncodingError, QuantizeOptionsError } from '../errors.js';
import { codeArray, outputFor, resolveOptions } from '../options.js';
import type { BinaryFormat, QuantizeOptions } from '../types.js';
import { binaryFormatName, binaryRange, normalizeBinarySpec, type BinarySpecInput } from './spec.js';

export type { BinarySpecInput } from './spec.js';

/** Code of +scale; -scale is code 1 (the sign bit). */
const POSITIVE_CODE = 0;
const NEGATIVE_CODE = 1;

/**
 * The 1-bit binary format of BinaryConnect/XNOR-style networks: x becomes scale · sign(x) with
 * sign(0) = +1, so +0 and -0 both give +scale, ±Inf give ±scale, and NaN stays NaN in quantize
 * (encode rejects NaN: there is no code for it). Binarization is sign(), so the rounding mode,
 * seed and offset change nothing (they are still validated); 'stochastic' is deterministic here.
 */
export function binaryFormat(input: BinarySpecInput = {}): BinaryFormat {
  const spec = Object.freeze(normalizeBinarySpec(input));
  const { scale } = spec;
  const name = binaryFormatName(spec);

  function quantize(values: Float32Array, options?: QuantizeOptions): Float32Array {
    const out = outputFor(values, options);
    resolveOptions(options);
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      out[i] = x < 0 ? -scale : x >= 0 ? scale : NaN; // -0 >= 0 holds: sign(-0) = +1
    }
    return out;
  }

  function encode(values: Float32Array, options?: QuantizeOptions): Uint8Array {
    if (!(values instanceof Float32Array)) {
      throw new QuantizeOptionsError('values', Object.prototype.toString.call(values), 'a Float32Array');
    }
    resolveOptions(options);
    const codes = codeArray(1, values.length) as Uint8Array;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (x !== x) throw new EncodingError(`NaN at index ${i} has no code in ${name} (binary has no NaN)`);
      codes[i] = x < 0 ? NEGATIVE_CODE : POSITIVE_CODE;
    }
    return codes;
  }

  function decode(codes: ArrayLike<number>): Float32Array {
    const out = new Float32Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code !== POSITIVE_CODE && code !== NEGATIVE_CODE) {
        throw new EncodingError(`code ${code} at index ${i} is not a 1-bit code of ${name} (allowed: 0 = +${scale}, 1 = -${scale})`);
      }
      out[i] = code === NEGATIVE_CODE ? -scale : scale;
    }
    return out;
  }

  return Object.freeze({ spec, name, bits: 1, range: Object.freeze(binaryRange(spec)), quantize, encode, decode });
}
