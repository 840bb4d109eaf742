/**
 * Codes of a float format: sign | exponent field | mantissa field, the sign in the top bit
 * (e8m0 has no sign). Encoding reads the bits of an already quantized float32 value.
 */
import { EncodingError } from '../errors.js';
import type { FloatSpec } from '../types.js';
import { minNormalExponent } from './spec.js';

export interface FloatCodec {
  /** Code of a quantized float32 bit pattern. */
  encode(bits: number): number;
  /** Value of a code (NaN for NaN codes). */
  decode(code: number): number;
}

export function makeFloatCodec(spec: FloatSpec): FloatCodec {
  const { exponentBits: E, mantissaBits: M, bias, specials } = spec;
  const emin = minNormalExponent(spec);
  const topField = 2 ** E - 1;
  const topMantissa = 2 ** M - 1;
  const signValue = specials === 'e8m0' ? 0 : 2 ** (E + M);
  const nanCode = (() => {
    switch (specials) {
      case 'ieee': return M === 0 ? -1 : topField * 2 ** M + 2 ** (M - 1);
      case 'fn': return topField * 2 ** M + topMantissa;
      case 'e8m0': return topField;
      default: return signValue; // fnuz: the code of -0; finite: no NaN, ml_dtypes also gives -0's code
    }
  })();

  function encode(bits: number): number {
    const negative = bits >>> 31 === 1;
    const a = bits & 0x7fffffff;
    if (a > 0x7f800000) {
      if (nanCode < 0) throw new EncodingError(`NaN has no code in ${describeSpec(spec)} (ieee with mantissaBits 0 has Inf but no NaN)`);
      return nanCode + (negative && (specials === 'ieee' || specials === 'fn') ? signValue : 0);
    }
    const sign = negative ? signValue : 0;
    if (a === 0x7f800000) return sign + topField * 2 ** M;
    if (a === 0) return specials === 'fnuz' ? 0 : sign;
    const exponentField = a >>> 23;
    const exponent = exponentField !== 0 ? exponentField - 127 : 31 - Math.clz32(a) - 149;
    const significand = exponentField !== 0 ? (a & 0x7fffff) | 0x800000 : a;
    const lsbExponent = exponentField !== 0 ? exponent - 23 : -149;
    if (exponent >= emin) {
      // Normal: drop the leading one and keep the top M fraction bits.
      const leading = exponentField !== 0 ? 23 : 31 - Math.clz32(a);
      const fraction = significand - 2 ** leading;
      return sign + (exponent + bias) * 2 ** M + fraction * 2 ** (M - leading);
    }
    // Subnormal: an integer multiple of 2^(emin - M).
    return sign + significand * 2 ** (lsbExponent - (emin - M));
  }

  function decode(code: number): number {
    if (specials === 'e8m0') return code === topField ? NaN : 2 ** (code - bias);
    const negative = code >= signValue;
    const magnitude = negative ? code - signValue : code;
    const field = Math.floor(magnitude / 2 ** M);
    const mantissa = magnitude - field * 2 ** M;
    if (specials === 'ieee' && field === topField) return mantissa === 0 ? (negative ? -Infinity : Infinity) : NaN;
    if (specials === 'fn' && field === topField && mantissa === topMantissa) return NaN;
    if (specials === 'fnuz' && negative && magnitude === 0) return NaN;
    let value: number;
    if (field === 0) value = spec.subnormals ? mantissa * 2 ** (emin - M) : 0; // unused codes read as zero
    else value = 2 ** (field - bias) * (1 + mantissa / 2 ** M);
    // fnuz has no -0: a negative unused subnormal code reads as +0, like the zero it stands for.
    if (specials === 'fnuz' && value === 0) return 0;
    return negative ? -value : value;
  }

  return { encode, decode };
}

export function describeSpec(spec: FloatSpec): string {
  return `e${spec.exponentBits}m${spec.mantissaBits} (bias ${spec.bias}, specials '${spec.specials}')`;
}
