/**
 * Test-only reference model of fixed point quantization, written independently of the kernel:
 * exact integer arithmetic on BigInt (x = significand · 2^exponent from its float32 bits), the
 * random word from randomUint32 per element, BigInt.asIntN for wrap-around. Slow and obvious.
 */
import { randomUint32 } from '../random.js';
import type { FixedPointSpec, Rounding } from '../types.js';

export interface ReferenceOptions {
  rounding: Rounding;
  seed?: number;
  offset?: number;
  randomBits?: number;
}

/** float32 bits -> [sign, integer significand, exponent] with value sign · significand · 2^exponent. */
function decompose(bits: number): [negative: boolean, significand: bigint, exponent: number] {
  const field = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  const negative = bits >>> 31 === 1;
  if (field === 0) return [negative, BigInt(fraction), -149];
  return [negative, BigInt(fraction | 0x800000), field - 150];
}

/** Rounds the positive rational magnitude · 2^exponent to an integer by a magnitude rule. */
function roundMagnitude(magnitude: bigint, exponent: number, up: (quotient: bigint, remainder: bigint, shift: bigint) => boolean): bigint {
  if (exponent >= 0) return magnitude << BigInt(exponent);
  const shift = BigInt(-exponent);
  const quotient = magnitude >> shift;
  const remainder = magnitude - (quotient << shift);
  if (remainder === 0n) return quotient;
  return up(quotient, remainder, shift) ? quotient + 1n : quotient;
}

function roundingRule(rounding: Rounding, negative: boolean, random: number, randomBits: number) {
  return (quotient: bigint, remainder: bigint, shift: bigint): boolean => {
    const half = 1n << (shift - 1n);
    switch (rounding) {
      case 'nearest-even': return remainder > half || (remainder === half && (quotient & 1n) === 1n);
      case 'nearest-away': return remainder >= half;
      case 'toward-zero': return false;
      case 'toward-positive': return !negative;
      case 'toward-negative': return negative;
      case 'odd': return (quotient & 1n) === 0n;
      case 'stochastic': return BigInt(random) < (remainder << BigInt(randomBits)) >> shift;
    }
  };
}

export function referenceQuantize(spec: FixedPointSpec, input: Float32Array, options: ReferenceOptions): Float32Array {
  const { wordBits, fractionBits, signed } = spec;
  const randomBits = options.randomBits ?? 32;
  const low = signed ? -(1n << BigInt(wordBits - 1)) : 0n;
  const high = signed ? (1n << BigInt(wordBits - 1)) - 1n : (1n << BigInt(wordBits)) - 1n;
  const bits = new Uint32Array(input.buffer, input.byteOffset, input.length);
  return Float32Array.from(bits, (x, i) => {
    if ((x & 0x7fffffff) > 0x7f800000) return NaN;
    if ((x & 0x7fffffff) === 0x7f800000) return Number(x >>> 31 ? low : high) * 2 ** -fractionBits;
    const [negative, significand, exponent] = decompose(x);
    const random = randomUint32(options.seed ?? 0, (options.offset ?? 0) + i) >>> (32 - randomBits);
    const magnitude = roundMagnitude(significand, exponent + fractionBits, roundingRule(options.rounding, negative, random, randomBits));
    let integer = negative ? -magnitude : magnitude;
    if (spec.overflow === 'wrap') {
      integer = signed ? BigInt.asIntN(wordBits, integer) : BigInt.asUintN(wordBits, integer);
    } else {
      integer = integer < low ? low : integer > high ? high : integer;
    }
    return Number(integer) * 2 ** -fractionBits + 0;
  });
}
