import { outputFor, codeArray, resolveOptions } from '../options.js';
import { EncodingError } from '../errors.js';
import type { FloatFormat, QuantizeOptions } from '../types.js';
import { makeFloatCodec } from './codec.js';
import { floatFormatName } from './names.js';
import { makeFloatPlan } from './plan.js';
import { quantizeFloat } from './quantize.js';
import { floatRange, normalizeFloatSpec, type FloatSpecInput } from './spec.js';

export type { FloatSpecInput } from './spec.js';

/** Codes up to this width decode through a lookup table of every value. */
const TABLE_BITS = 16;

/**
 * A float format: sign, `exponentBits` exponent bits with `bias`, `mantissaBits` fraction bits.
 * Semantics (subnormals, specials, overflow) are documented in docs/formats.md.
 */
export function floatFormat(input: FloatSpecInput): FloatFormat {
  const spec = Object.freeze(normalizeFloatSpec(input));
  const plan = makeFloatPlan(spec);
  const codec = makeFloatCodec(spec);
  const bits = spec.specials === 'e8m0' ? 8 : 1 + spec.exponentBits + spec.mantissaBits;
  const codeCount = 2 ** bits;
  let table: Float32Array | undefined;

  function quantize(values: Float32Array, options?: QuantizeOptions): Float32Array {
    const out = outputFor(values, options);
    const resolved = resolveOptions(options);
    quantizeFloat(plan, values, out, resolved);
    return out;
  }

  function encode(values: Float32Array, options?: QuantizeOptions): Uint8Array | Uint16Array | Uint32Array {
    const quantized = quantize(values, { ...options, out: undefined });
    const quantizedBits = new Uint32Array(quantized.buffer);
    const codes = codeArray(bits, values.length);
    for (let i = 0; i < codes.length; i++) codes[i] = codec.encode(quantizedBits[i]);
    return codes;
  }

  function decode(codes: ArrayLike<number>): Float32Array {
    const out = new Float32Array(codes.length);
    if (bits <= TABLE_BITS) {
      table ??= Float32Array.from({ length: codeCount }, (_, code) => codec.decode(code));
      for (let i = 0; i < codes.length; i++) {
        const code = codes[i];
        if (!(code >= 0 && code < codeCount && Number.isInteger(code))) throw badCode(code, i);
        out[i] = table[code];
      }
      return out;
    }
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (!(code >= 0 && code < codeCount && Number.isInteger(code))) throw badCode(code, i);
      out[i] = codec.decode(code);
    }
    return out;
  }

  function badCode(code: number, index: number): EncodingError {
    return new EncodingError(`code ${code} at index ${index} is not a ${bits}-bit code of ${name} (allowed: integers 0..${codeCount - 1})`);
  }

  const name = floatFormatName(spec);
  return Object.freeze({ spec, name, bits, range: Object.freeze(floatRange(spec)), quantize, encode, decode });
}
