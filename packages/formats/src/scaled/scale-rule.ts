/**
 * How a shared scale is chosen from the largest magnitude `amax` of its group, and how it is stored.
 *
 * - 'power-of-two': s = 2^(k + margin), k the smallest integer with amax / 2^k <= element max
 *   (so the largest value never clips; margin > 0 leaves headroom for a running scale). Stored as
 *   E8M0 (8 bits).
 * - 'e8m0': the OCP MX v1.0 rule, s = 2^(floor(log2 amax) - emaxElement + margin), emaxElement the
 *   exponent of the element's largest power of two (floor(log2 max): E4M3 8, E5M2 15, E3M2 4,
 *   E2M3 2, E2M1 2, MXINT8 0). amax / s lies in [2^emax, 2^(emax+1)), so it may exceed the element
 *   max: such values saturate. Stored as E8M0 (8 bits).
 * - 'real': s = amax · 2^margin / element max rounded to float32. Stored as float32 (32 bits).
 *
 * Common rules, in this order:
 * - a group holding NaN or ±Inf gets scale NaN (every value of the group decodes NaN: the OCP MX
 *   rule for a NaN scale; Inf is treated the same way, as microxcaling does, because no finite
 *   scale can bring Inf into the element range);
 * - an all-zero group gets scale 1 ('power-of-two', 'real') or 2^-127 ('e8m0', E8M0 code 0, which
 *   is what the MX rule gives for a tiny amax after clamping);
 * - a scale below the smallest storable one (2^-127 for E8M0, 2^-149 for float32) becomes that one
 *   (values only get smaller, never clip);
 * - a scale above the largest storable one (2^127, float32 max) becomes NaN, like the E8M0 cast of
 *   an overflowing exponent (possible only for elements whose max is below 1, or a large margin).
 */
import { QuantizeOptionsError, EncodingError } from '../errors.js';

export type ScaleRule = 'power-of-two' | 'e8m0' | 'real';
export const SCALE_RULES: readonly ScaleRule[] = ['power-of-two', 'e8m0', 'real'];

const MIN_E8M0_EXPONENT = -127;
const MAX_E8M0_EXPONENT = 127;
const MIN_FLOAT32 = 2 ** -149;
const MAX_FLOAT32 = 3.4028234663852886e38;

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** floor(log2 value), exactly, for a positive finite double that is not a double subnormal. */
export function floorLog2(value: number): number {
  scratch[0] = value;
  return ((scratchWords[HIGH_WORD] >>> 20) & 0x7ff) - 1023;
}

/** 2^e for the exponents a stored scale can have (-149..127); Math.pow is slow in the scale loop. */
const POWERS_OF_TWO = Float64Array.from({ length: MAX_E8M0_EXPONENT + 150 }, (_, index) => 2 ** (index - 149));

/** 2^k for any k with 2^k a normal double. */
function powerOfTwo(k: number): number {
  return k >= -149 && k <= MAX_E8M0_EXPONENT ? POWERS_OF_TWO[k + 149] : 2 ** k;
}

/** Returns a function amax -> scale for a rule, an element max and a margin in bits. */
export function scaleChooser(rule: ScaleRule, elementMax: number, margin: number): (amax: number) => number {
  if (rule === 'real') {
    const factor = 2 ** margin;
    return (amax) => {
      if (!Number.isFinite(amax)) return NaN;
      if (amax === 0) return 1;
      const scale = Math.fround((amax * factor) / elementMax);
      if (scale > MAX_FLOAT32) return NaN;
      return scale < MIN_FLOAT32 ? MIN_FLOAT32 : scale;
    };
  }
  const maxExponent = floorLog2(elementMax);
  const exponentOf =
    rule === 'e8m0'
      ? (amax: number) => floorLog2(amax) - maxExponent
      : (amax: number) => {
          // amax <= max·2^k holds for k = floor(log2 amax) - floor(log2 max) unless amax's
          // significand exceeds max's; the product is exact (a power-of-two scaling of a double).
          const k = floorLog2(amax) - maxExponent;
          return amax <= elementMax * powerOfTwo(k) ? k : k + 1;
        };
  return (amax) => {
    if (!Number.isFinite(amax)) return NaN;
    if (amax === 0) return rule === 'e8m0' ? 2 ** MIN_E8M0_EXPONENT : 1;
    const exponent = exponentOf(amax) + margin;
    if (exponent > MAX_E8M0_EXPONENT) return NaN;
    return POWERS_OF_TWO[149 + (exponent < MIN_E8M0_EXPONENT ? MIN_E8M0_EXPONENT : exponent)];
  };
}

/** Whether a rule's scales are powers of two stored as E8M0. */
export function isPowerOfTwoRule(rule: ScaleRule): boolean {
  return rule !== 'real';
}

/** What a stored scale may be, for messages. */
export function allowedScales(rule: ScaleRule): string {
  return isPowerOfTwoRule(rule)
    ? 'powers of two 2^-127..2^127 or NaN (this format stores its scales as E8M0)'
    : 'positive finite float32 values or NaN';
}

function storable(rule: ScaleRule, scale: number): boolean {
  if (Number.isNaN(scale)) return true;
  if (!(scale > 0 && scale <= MAX_FLOAT32)) return false;
  if (!isPowerOfTwoRule(rule)) return true;
  const exponent = floorLog2(scale);
  return exponent >= MIN_E8M0_EXPONENT && exponent <= MAX_E8M0_EXPONENT && scale === 2 ** exponent;
}

/**
 * Checks caller-given scales (options.scales, or the scales of an encoding to decode): a
 * Float32Array with one storable scale per group.
 */
export function checkScales(scales: unknown, count: number, rule: ScaleRule, source: 'options' | 'encoding'): Float32Array {
  const fail = (field: string, value: unknown, allowed: string): Error =>
    source === 'options'
      ? new QuantizeOptionsError(field, value, allowed)
      : new EncodingError(`invalid encoding ${field}: ${String(value)} (allowed: ${allowed})`);
  if (!(scales instanceof Float32Array)) {
    throw fail('scales', Object.prototype.toString.call(scales), `a Float32Array of ${count} scales`);
  }
  if (scales.length !== count) {
    throw fail('scales', `Float32Array(${scales.length})`, `a Float32Array of ${count} scales, one per group of this shape`);
  }
  for (let i = 0; i < scales.length; i++) {
    if (!storable(rule, scales[i])) throw fail(`scales[${i}]`, scales[i], allowedScales(rule));
  }
  return scales;
}
