/**
 * A slow float64 model of float quantization, written from the format model of DESIGN.md and the
 * golden README rather than from the kernel: it finds the two grid neighbours of |x| by division
 * and decides between them per rounding mode. Tests compare the kernel (integer arithmetic on
 * float32 bits) against it bit for bit. The e8m0 scale format (ml_dtypes quirks) is not modelled.
 *
 * Conventions the model makes explicit (each is also what cpfloat/ml_dtypes do where they overlap):
 * - parity of a grid value is the parity of its integer significand (v / spacing at v); 0 is even;
 * - nearest-even ties between two odd significands (mantissaBits 0: 1·2^e and 1·2^(e+1)) go away
 *   from zero; between two even ones (0 and the smallest normal without subnormals) they go to 0;
 * - round-to-odd and toward-zero stop at ±max on overflow, as IEEE 754 does for toward-zero.
 */
import type { FloatSpec, Rounding } from '../types.js';

/** Largest finite value, from the specials rule (independent of spec.ts). */
export function referenceMax(spec: FloatSpec): number {
  const { exponentBits: E, mantissaBits: M, bias, specials } = spec;
  const topField = 2 ** E - 1;
  const allOnes = 2 - 2 ** -M;
  switch (specials) {
    case 'ieee':
      return 2 ** (topField - 1 - bias) * allOnes;
    case 'fn':
      // The all-ones code is NaN; with M = 0 that is the whole top binade.
      return M === 0 ? 2 ** (topField - 1 - bias) : 2 ** (topField - bias) * (allOnes - 2 ** -M);
    default:
      return 2 ** (topField - bias) * allOnes;
  }
}

/** floor(log2 v) for a positive finite double, exactly. */
export function floorLog2(v: number): number {
  let exponent = Math.floor(Math.log2(v));
  if (2 ** exponent > v) exponent--;
  if (2 ** (exponent + 1) <= v) exponent++;
  return exponent;
}

/** Distance between the grid values around a positive magnitude (subnormal or flush spacing below 2^emin). */
export function referenceSpacing(spec: FloatSpec, magnitude: number): number {
  const emin = 1 - spec.bias;
  if (magnitude >= 2 ** emin) return 2 ** (floorLog2(magnitude) - spec.mantissaBits);
  return spec.subnormals ? 2 ** (emin - spec.mantissaBits) : 2 ** emin;
}

/** Whether a grid value's integer significand is odd (0 is even). */
export function isOddGridValue(spec: FloatSpec, value: number): boolean {
  if (value === 0) return false;
  return (value / referenceSpacing(spec, value)) % 2 === 1;
}

type Direction = 'nearest-even' | 'nearest-away' | 'down' | 'up' | 'odd' | 'stochastic';

function magnitudeDirection(rounding: Rounding, negative: boolean): Direction {
  switch (rounding) {
    case 'toward-zero':
      return 'down';
    case 'toward-positive':
      return negative ? 'down' : 'up';
    case 'toward-negative':
      return negative ? 'up' : 'down';
    default:
      return rounding;
  }
}

export interface ReferenceRandom {
  /** The 32-bit random word of the element's counter (randomUint32(seed, offset + index)). */
  word: number;
  randomBits: number;
}

/** The two grid neighbours low <= magnitude < high (low === magnitude when exact). */
export function neighbours(spec: FloatSpec, magnitude: number): [low: number, high: number] {
  const spacing = referenceSpacing(spec, magnitude);
  const low = Math.floor(magnitude / spacing) * spacing;
  return [low, low + spacing];
}

/** The model's result for one float32 value `x` (a JS number). */
export function referenceQuantize(spec: FloatSpec, x: number, rounding: Rounding, random: ReferenceRandom = { word: 0, randomBits: 32 }): number {
  if (Number.isNaN(x)) return NaN;
  const negative = x < 0 || Object.is(x, -0);
  const withSign = (magnitude: number) => {
    if (magnitude === 0) return spec.specials === 'fnuz' || !negative ? 0 : -0;
    return negative ? -magnitude : magnitude;
  };
  const max = referenceMax(spec);
  const magnitude = Math.abs(x);
  if (magnitude === Infinity) {
    if (spec.overflow === 'infinity') return x;
    return spec.overflow === 'nan' ? NaN : withSign(max);
  }
  if (magnitude === 0) return withSign(0);
  const direction = magnitudeDirection(rounding, negative);
  const [low, high] = neighbours(spec, magnitude);
  let result = magnitude;
  if (low !== magnitude) {
    const below = magnitude - low;
    const above = high - magnitude;
    let up: boolean;
    switch (direction) {
      case 'nearest-even':
        // A tie goes to the even neighbour: up iff low is odd (which also covers both odd: up,
        // and both even: down).
        up = below !== above ? above < below : isOddGridValue(spec, low);
        break;
      case 'nearest-away':
        up = above <= below;
        break;
      case 'down':
        up = false;
        break;
      case 'up':
        up = true;
        break;
      case 'odd':
        up = !isOddGridValue(spec, low);
        break;
      case 'stochastic': {
        // Round up iff u < floor(f · 2^R), u the top R bits of the word (docs/decisions/0004).
        const fraction = below / (high - low);
        const threshold = Math.floor(fraction * 2 ** random.randomBits);
        up = Math.floor(random.word / 2 ** (32 - random.randomBits)) < threshold;
        break;
      }
    }
    result = up ? high : low;
  }
  if (result > max) {
    const staysFinite = spec.overflow === 'saturate' || direction === 'down' || direction === 'odd';
    if (staysFinite) return withSign(max);
    return spec.overflow === 'infinity' ? withSign(Infinity) : NaN;
  }
  return withSign(result);
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

export function float32Bits(value: number): number {
  scratch[0] = value;
  return scratchBits[0];
}

export function float32FromBits(bits: number): number {
  scratchBits[0] = bits >>> 0;
  return scratch[0];
}

/** Same float32 value bit for bit; any NaN matches any NaN. */
export function sameFloat32(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return float32Bits(a) === float32Bits(b);
}

export function describeFloat32(value: number): string {
  return `${value} (0x${float32Bits(value).toString(16).padStart(8, '0')})`;
}
