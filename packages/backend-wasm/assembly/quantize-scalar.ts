/**
 * The scalar float quantize: a direct port of @lowbit/formats' quantizeBits, roundMagnitude and
 * shiftFor (packages/formats/src/float/quantize.ts). Used for the last n % 4 values of a range and
 * for formats the SIMD paths do not cover (mantissaBits 23, minExponent below -126).
 */
import {
  FAST_LOW_BITS, FAST_SHIFT, INFINITY_NEGATIVE, INFINITY_POSITIVE, LOW_QUANTUM, MANTISSA_BITS, MAX_BITS, MIN_EXPONENT, NEGATIVE_MODE,
  NON_POSITIVE, OVERFLOW_NEGATIVE, OVERFLOW_POSITIVE, POSITIVE_MODE, RANDOM_BITS, SIGNED_ZERO, word,
} from './quantize';

// Magnitude modes (formats' MagnitudeMode).
const NEAREST_EVEN = 0;
const NEAREST_AWAY = 1;
const DOWN = 2;
const UP = 3;
const ODD = 4;
const STOCHASTIC = 5;

function pow2Bits(exponent: i32): i32 {
  if (exponent >= -126) return (exponent + 127) << 23;
  if (exponent >= -149) return 1 << (exponent + 149);
  return 0;
}

function shiftFor(job: usize, a: i32): i32 {
  const field = a >>> 23;
  const exponent = field != 0 ? field - 127 : 31 - clz(a) - 149;
  const lsbExponent = field != 0 ? exponent - 23 : -149;
  const q = exponent >= word(job, MIN_EXPONENT) ? exponent - word(job, MANTISSA_BITS) : word(job, LOW_QUANTUM);
  return q - lsbExponent;
}

/** formats' roundMagnitude: drops d >= 1 bits of magnitude `a`; `random` holds randomBits bits. */
function roundMagnitude(a: i32, d: i32, mode: i32, random: u32, randomBits: i32): i32 {
  const significand = a >= 0x00800000 ? (a & 0x007fffff) | 0x00800000 : a;
  if (d <= 23) {
    const remainder = significand & ((1 << d) - 1);
    if (remainder == 0) return a;
    const half = 1 << (d - 1);
    const lsb = (significand >>> d) & 1;
    let up = false;
    if (mode == NEAREST_EVEN) up = remainder > half || (remainder == half && lsb == 1);
    else if (mode == NEAREST_AWAY) up = remainder >= half;
    else if (mode == DOWN) up = false;
    else if (mode == UP) up = true;
    else if (mode == ODD) up = lsb == 0;
    else up = d <= randomBits ? random >>> <u32>(randomBits - d) < <u32>remainder : random < (<u32>remainder >>> <u32>(d - randomBits));
    return up ? a - remainder + (1 << d) : a - remainder;
  }
  const q = d + (a >= 0x00800000 ? (a >>> 23) - 150 : -149);
  const halfBits = pow2Bits(q - 1);
  let up = false;
  if (mode == NEAREST_EVEN) up = a > halfBits;
  else if (mode == NEAREST_AWAY) up = a >= halfBits;
  else if (mode == DOWN) up = false;
  else if (mode == UP || mode == ODD) up = true;
  else up = <f64>random < Math.floor(<f64>significand * Math.pow(2, <f64>(randomBits - d)));
  return up ? pow2Bits(q) : 0;
}

/** formats' quantizeBits for one element; `bits` is the element's 32-bit random word. */
export function quantizeScalar(job: usize, x: i32, bits: u32): i32 {
  const sign = x & 0x80000000;
  const a = x & 0x7fffffff;
  if (a >= 0x7f800000) {
    if (a > 0x7f800000) return x | 0x00400000;
    return word(job, sign ? INFINITY_NEGATIVE : INFINITY_POSITIVE);
  }
  const signedZero = word(job, SIGNED_ZERO) != 0;
  if (a == 0) return signedZero ? x : 0;
  const mode = word(job, sign ? NEGATIVE_MODE : POSITIVE_MODE);
  const d = a >= word(job, FAST_LOW_BITS) ? word(job, FAST_SHIFT) : shiftFor(job, a);
  const randomBits = word(job, RANDOM_BITS);
  const rounded = d > 0 ? roundMagnitude(a, d, mode, bits >>> <u32>(32 - randomBits), randomBits) : a;
  if (rounded > word(job, MAX_BITS)) return word(job, sign ? OVERFLOW_NEGATIVE : OVERFLOW_POSITIVE);
  if (rounded == 0) return signedZero ? sign : 0;
  return rounded | sign;
}


/**
 * formats' quantizeE8M0 (ml_dtypes float8_e8m0fnu: unsigned powers of two, no zero) for one
 * element: ±Inf and NaN give NaN, zero and negative inputs the non-positive result (NaN, or the
 * smallest value when saturating), magnitudes below the smallest value give it, and under nearest
 * rounding every float32 subnormal above it gives 2^-126. formats passes no random bits here
 * (stochastic rounding rounds any inexact value up), and neither do we.
 */
export function quantizeE8M0(job: usize, x: i32): i32 {
  if ((x & 0x7fffffff) >= 0x7f800000) return 0x7fc00000;
  if (x <= 0) return word(job, NON_POSITIVE);
  const smallest = pow2Bits(word(job, MIN_EXPONENT));
  if (x < smallest) return smallest;
  const mode = word(job, POSITIVE_MODE);
  if ((mode == NEAREST_EVEN || mode == NEAREST_AWAY) && x < 0x00800000) return x == smallest ? smallest : 0x00800000;
  const rounded = roundMagnitude(x, shiftFor(job, x), mode, 0, 32);
  return rounded > word(job, MAX_BITS) ? word(job, OVERFLOW_POSITIVE) : rounded;
}
