/**
 * Fast paths of the float quantize for the two roundings training uses (nearest-even and
 * stochastic). Same results as the general path of quantize.ts, bit for bit, with fewer
 * operations: no per-lane variable shift and no float-to-unsigned conversion (both cost 5-12
 * instructions in V8 on x64).
 *
 * Two domains, computed for every lane and blended by a mask (no data-dependent branch):
 * - target-normal magnitudes (exponent field >= minExponent + 127) drop the constant fastShift
 *   bits: integer ops with constant shifts;
 * - smaller ones (target subnormals and values below one spacing) all share the spacing
 *   Q = 2^lowQuantum, so w = |x| / Q is exact in float32 (two power-of-two factors) and rounding
 *   is to an integer: f32x4.nearest, or floor plus the stochastic test on the fraction w - floor(w),
 *   and the result floor(w) + up times Q is exact again.
 * Stochastic test, as in formats: round up iff X = (random & top) <u Y = floor(fraction · 2^32) &
 * top, top = the high randomBits bits. In the target-normal domain Y = rem << (32 - d) (rem the d
 * dropped bits, cleared below the top randomBits bits of the fraction), and X <u Y iff Y + ~X
 * carries out of 32 bits, iff rem + (~X >>> (32 - d)) >= 2^d: so the rounded magnitude is
 * (a + (2^d - 1) - (X >>> (32 - d))) & ~(2^d - 1), four constant-shift operations. The
 * small-magnitude domain compares exactly in float32 by splitting both integers into 16-bit halves.
 *
 * "Magic add" nearest-even (shared/wasm-notes.md): y = (|x| + C) - C with C = 2^(q + 23), q the
 * target exponent of the spacing at |x|: one float32 addition rounds at exactly that spacing, ties
 * to even. Used when every C stays finite (maxExponent + 24 - mantissaBits <= 127).
 */
import {
  COUNTER_BASE, DOWN_SCALE_1, DOWN_SCALE_2, FAST_SHIFT, FIRST, HUGE_BITS, INFINITY_NEGATIVE, INFINITY_POSITIVE, INPUT, MANTISSA_BITS,
  MAX_BITS, MIN_FIELD, OUTPUT, OVERFLOW_POSITIVE, RANDOM_BITS, SECOND, SIGNED_ZERO, SUBNORMALS, UP_SCALE_1,
  UP_SCALE_2, mix32, quantizeScalar, word,
} from './quantize';

/**
 * Compile-time flags: a loop instantiated with Yes or No for a type parameter contains only its own
 * path (`isInteger<Flag>()` is decided by the compiler). Boolean arguments of inlined functions
 * were not enough: the optimizer merged the copies back into one loop with run-time tests.
 */
type Yes = i32;
type No = f32;

/**
 * A vector kept in memory and loaded back. TurboFan schedules a splat or a constant where it is
 * used, so one defined before a loop is rebuilt in every iteration (2-3 instructions each);
 * a loaded value stays put (in a register, or a stack slot read as a memory operand).
 */
@inline function pin(slot: usize, value: v128): v128 {
  v128.store(slot, value);
  return v128.load(slot);
}

/** Scratch for pinned vectors: 64 per part, after the first KiB of the job block (src/runtime.ts). */
@inline function pins(job: usize, part: i32): usize {
  return job + 1024 + (<usize>part << 10);
}

/** formats' mix32 on four lanes, with its multipliers pinned (see pin). */
@inline function mix(x: v128, multiplier1: v128, multiplier2: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, multiplier1);
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, multiplier2);
  return v128.xor(x, i32x4.shr_u(x, 15));
}

/**
 * The common end of every path: overflow (rounded beyond max: the overflow value, whose sign is
 * the input's as both signs round alike here), the sign (not on a zero result of a format
 * without -0), and ±Inf and NaN inputs, which real data almost never holds: one test per vector,
 * and a separate function when it fires.
 */
@inline function finish<SignedZero>(job: usize, x: v128, a: v128, sign: v128, rounded: v128, overflow: v128, maxBits: v128,
  belowInfinity: v128): v128 {
  let result = v128.bitselect(overflow, rounded, i32x4.gt_s(rounded, maxBits));
  if (isInteger<SignedZero>()) result = v128.or(result, sign);
  else result = v128.or(result, v128.andnot(sign, i32x4.eq(result, i32x4.splat(0))));
  if (v128.any_true(i32x4.gt_s(a, belowInfinity))) result = specials(job, x, a, result);
  return result;
}

/** ±Inf inputs give the format's infinity result, NaN inputs stay NaN (made quiet), like formats. */
function specials(job: usize, x: v128, a: v128, result: v128): v128 {
  const infinity = v128.bitselect(i32x4.splat(word(job, INFINITY_NEGATIVE)), i32x4.splat(word(job, INFINITY_POSITIVE)), i32x4.shr_s(x, 31));
  result = v128.bitselect(infinity, result, i32x4.eq(a, i32x4.splat(0x7f800000)));
  return v128.bitselect(v128.or(x, i32x4.splat(0x00400000)), result, i32x4.gt_s(a, i32x4.splat(0x7f800000)));
}

@inline function magicLoop<SignedZero, Subnormals>(job: usize, part: i32, start: i32, end: i32): void {
  const slots = pins(job, part);
  const input = <usize>word(job, INPUT);
  const output = <usize>word(job, OUTPUT);
  const mantissaBits = word(job, MANTISSA_BITS);
  const signMask = pin(slots, i32x4.splat(0x80000000));
  // Comparisons are gt_s (one instruction; ge_s is two in V8): thresholds minus one.
  const belowMinField = pin(slots + 16, i32x4.splat(word(job, MIN_FIELD) - 1));
  // The spacing below the smallest normal: 2^(minExponent - M), or 2^minExponent without subnormals.
  const minField = pin(slots + 32, i32x4.splat(word(job, MIN_FIELD)));
  const lowField = pin(slots + 48, i32x4.splat(word(job, MIN_FIELD) + mantissaBits));
  const shift = pin(slots + 64, i32x4.splat(23 - mantissaBits));
  // From 2^(maxExponent + 1) on (and Inf, NaN): the rare path. Below, C = 2^(spacing exponent + 23) is finite.
  const belowHuge = pin(slots + 80, i32x4.splat(word(job, HUGE_BITS) - 1));
  const maxBits = pin(slots + 96, i32x4.splat(word(job, MAX_BITS)));
  const overflow = pin(slots + 112, i32x4.splat(word(job, OVERFLOW_POSITIVE)));
  let i = start;
  // Two vectors per iteration halve the loop overhead (V8 adds a stack check to every iteration).
  for (; i + 8 <= end; i += 8) {
    const offset = <usize>i << 2;
    const x0 = v128.load(input + offset);
    const x1 = v128.load(input + offset, 16);
    v128.store(output + offset, magicLanes<SignedZero, Subnormals>(job, x0, signMask, belowMinField, minField, lowField, shift, belowHuge, maxBits, overflow));
    v128.store(output + offset, magicLanes<SignedZero, Subnormals>(job, x1, signMask, belowMinField, minField, lowField, shift, belowHuge, maxBits, overflow), 16);
  }
  for (; i < end; i++) {
    const offset = <usize>i << 2;
    store<i32>(output + offset, quantizeScalar(job, load<i32>(input + offset), 0));
  }
}

@inline function magicLanes<SignedZero, Subnormals>(job: usize, x: v128, signMask: v128, belowMinField: v128, minField: v128,
  lowField: v128, shift: v128, belowHuge: v128, maxBits: v128, overflow: v128): v128 {
  const sign = v128.and(x, signMask);
  const a = v128.xor(x, sign);
  const field = i32x4.shr_u(a, 23);
  let spacingField: v128;
  if (isInteger<Subnormals>()) spacingField = i32x4.max_s(field, minField);
  else spacingField = v128.bitselect(field, lowField, i32x4.gt_s(field, belowMinField));
  const magic = i32x4.shl(i32x4.add(spacingField, shift), 23);
  const rounded = f32x4.sub(f32x4.add(a, magic), magic);
  let result = v128.bitselect(overflow, rounded, i32x4.gt_s(rounded, maxBits));
  if (isInteger<SignedZero>()) result = v128.or(result, sign);
  else result = v128.or(result, v128.andnot(sign, i32x4.eq(result, i32x4.splat(0))));
  if (v128.any_true(i32x4.gt_s(a, belowHuge))) result = magicSpecials(job, x, a, result);
  return result;
}

/** Magnitudes from 2^(maxExponent + 1) on overflow; then ±Inf and NaN inputs (see specials). */
function magicSpecials(job: usize, x: v128, a: v128, result: v128): v128 {
  const huge = i32x4.gt_s(a, i32x4.splat(word(job, HUGE_BITS) - 1));
  result = v128.bitselect(v128.or(i32x4.splat(word(job, OVERFLOW_POSITIVE)), v128.and(x, i32x4.splat(0x80000000))), result, huge);
  return specials(job, x, a, result);
}

/** Nearest-even (stochastic = false) or stochastic rounding in the two domains described above. */
@inline function twoDomains<Stochastic, SignedZero, AllBits>(job: usize, part: i32, start: i32, end: i32): void {
  const slots = pins(job, part);
  const signMask = pin(slots + 496, i32x4.splat(0x80000000));
  const twoTo32 = pin(slots + 576, f32x4.splat(4294967296.0));
  const inverse65536 = pin(slots + 592, f32x4.splat(1.0 / 65536.0));
  const float65536 = pin(slots + 608, f32x4.splat(65536.0));
  const multiplier1 = pin(slots + 640, i32x4.splat(0x21f0aaad));
  const multiplier2 = pin(slots + 656, i32x4.splat(0x735a2d97));
  const input = <usize>word(job, INPUT);
  const output = <usize>word(job, OUTPUT);
  const fastShift = word(job, FAST_SHIFT);
  const randomBits = word(job, RANDOM_BITS);
  const belowMinField = pin(slots + 160, i32x4.splat(word(job, MIN_FIELD) - 1));
  const lowMask = pin(slots + 176, i32x4.splat((1 << fastShift) - 1));
  // Stochastic with randomBits < d: the dropped bits formats' comparison cannot see are cleared.
  const keepMask = pin(slots + 192, i32x4.splat(~((1 << max(0, fastShift - randomBits)) - 1)));
  // Nearest-even: add half - 1 plus the kept lsb (none when mantissaBits = 0: the implicit 1 is odd).
  const addend = pin(slots + 208, i32x4.splat((1 << (fastShift - 1)) - (fastShift == 23 ? 0 : 1)));
  const lsbMask = pin(slots + 224, i32x4.splat(fastShift == 23 ? 0 : 1));
  const top = pin(slots + 240, i32x4.splat(~((<i32>1 << (32 - randomBits)) - 1)));
  const topFloat = pin(slots + 256, f32x4.splat(<f32>Math.pow(2, <f64>(32 - randomBits))));
  const inverseTop = pin(slots + 272, f32x4.splat(<f32>Math.pow(2, <f64>(randomBits - 32))));
  const down1 = pin(slots + 288, f32x4.splat(reinterpret<f32>(word(job, DOWN_SCALE_1))));
  const down2 = pin(slots + 304, f32x4.splat(reinterpret<f32>(word(job, DOWN_SCALE_2))));
  const up1 = pin(slots + 320, f32x4.splat(reinterpret<f32>(word(job, UP_SCALE_1))));
  const up2 = pin(slots + 336, f32x4.splat(reinterpret<f32>(word(job, UP_SCALE_2))));
  const maxBits = pin(slots + 368, i32x4.splat(word(job, MAX_BITS)));
  const overflowPositive = pin(slots + 384, i32x4.splat(word(job, OVERFLOW_POSITIVE)));
  const belowInfinity = pin(slots + 432, i32x4.splat(0x7f7fffff));
  const first = <u32>word(job, FIRST);
  const second = <u32>word(job, SECOND);
  const counterBase = <u32>word(job, COUNTER_BASE);
  const keyFirst = pin(slots + 448, i32x4.splat(first));
  const keySecond = pin(slots + 464, i32x4.splat(second));
  const four = pin(slots + 480, i32x4.splat(4));
  let counter = i32x4.add(i32x4.splat(counterBase + <u32>start), i32x4(0, 1, 2, 3));
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const offset = <usize>i << 2;
    const x = v128.load(input + offset);
    const sign = v128.and(x, signMask);
    const a = v128.xor(x, sign);
    const fast = i32x4.gt_s(i32x4.shr_u(a, 23), belowMinField);
    let rounded: v128;
    let drawn = i32x4.splat(0);
    if (isInteger<Stochastic>()) {
      drawn = mix(v128.xor(mix(v128.xor(counter, keyFirst), multiplier1, multiplier2), keySecond), multiplier1, multiplier2);
      if (!isInteger<AllBits>()) drawn = v128.and(drawn, top);
      // Target normal: up iff drawn <u (dropped bits << (32 - d)), i.e. iff adding the complement
      // of drawn's top d bits to the dropped bits carries into the kept ones (see the header): no
      // comparison, no variable shift. With fewer random bits than d, the dropped bits below
      // them are cleared first (formats compares them masked to the top randomBits bits).
      const kept = isInteger<AllBits>() ? a : v128.and(a, keepMask);
      rounded = v128.andnot(i32x4.sub(i32x4.add(kept, lowMask), i32x4.shr_u(drawn, 32 - fastShift)), lowMask);
      counter = i32x4.add(counter, four);
    } else {
      rounded = v128.andnot(i32x4.add(i32x4.add(a, addend), v128.and(i32x4.shr_u(a, fastShift), lsbMask)), lowMask);
    }
    // The small-magnitude domain, for every vector: branching on whether a lane needs it ran 1.5x
    // faster on data without small values but 2x slower on data where a third of the vectors
    // need it (mispredictions), such as gradients.
    {
      const w = f32x4.mul(f32x4.mul(a, down1), down2);
      let integer: v128;
      if (isInteger<Stochastic>()) {
        // T = floor(fraction · 2^32) & top, compared with drawn by 16-bit halves (each exact in float32).
        const floor = f32x4.floor(w);
        const fraction = f32x4.sub(w, floor);
        let thresholdHigh: v128;
        let thresholdLow: v128;
        if (isInteger<AllBits>()) {
          // No mask: T's halves straight from the fraction (fewer live constants in the loop).
          const scaled = f32x4.mul(fraction, float65536);
          thresholdHigh = f32x4.floor(scaled);
          thresholdLow = f32x4.floor(f32x4.mul(f32x4.sub(scaled, thresholdHigh), float65536));
        } else {
          const threshold = f32x4.mul(f32x4.floor(f32x4.mul(f32x4.mul(fraction, twoTo32), inverseTop)), topFloat);
          thresholdHigh = f32x4.floor(f32x4.mul(threshold, inverse65536));
          thresholdLow = f32x4.sub(threshold, f32x4.mul(thresholdHigh, float65536));
        }
        const high = i32x4.shr_u(drawn, 16);
        const drawnHigh = f32x4.convert_i32x4_s(high);
        const drawnLow = f32x4.convert_i32x4_s(i32x4.sub(drawn, i32x4.shl(high, 16)));
        const up = v128.or(f32x4.lt(drawnHigh, thresholdHigh), v128.and(f32x4.eq(drawnHigh, thresholdHigh), f32x4.lt(drawnLow, thresholdLow)));
        // up is all ones (-1 as an integer) where the magnitude rounds up: floor - (-1).
        integer = f32x4.sub(floor, f32x4.convert_i32x4_s(up));
      } else {
        integer = f32x4.nearest(w);
      }
      rounded = v128.bitselect(rounded, f32x4.mul(f32x4.mul(integer, up1), up2), fast);
    }
    v128.store(output + offset, finish<SignedZero>(job, x, a, sign, rounded, overflowPositive, maxBits, belowInfinity));
  }
  for (; i < end; i++) {
    const offset = <usize>i << 2;
    const bits = isInteger<Stochastic>() ? mix32(mix32((counterBase + <u32>i) ^ first) ^ second) : 0;
    store<i32>(output + offset, quantizeScalar(job, load<i32>(input + offset), bits));
  }
}

export function nearestEvenMagic(job: usize, part: i32, start: i32, end: i32): void {
  const signedZero = word(job, SIGNED_ZERO) != 0;
  if (word(job, SUBNORMALS) != 0) {
    if (signedZero) magicLoop<Yes, Yes>(job, part, start, end);
    else magicLoop<No, Yes>(job, part, start, end);
  } else if (signedZero) {
    magicLoop<Yes, No>(job, part, start, end);
  } else {
    magicLoop<No, No>(job, part, start, end);
  }
}

export function nearestEvenOrStochastic(job: usize, part: i32, stochastic: bool, start: i32, end: i32): void {
  const signedZero = word(job, SIGNED_ZERO) != 0;
  const allBits = word(job, RANDOM_BITS) == 32;
  if (stochastic) {
    if (signedZero && allBits) twoDomains<Yes, Yes, Yes>(job, part, start, end);
    else if (signedZero) twoDomains<Yes, Yes, No>(job, part, start, end);
    else if (allBits) twoDomains<Yes, No, Yes>(job, part, start, end);
    else twoDomains<Yes, No, No>(job, part, start, end);
  } else if (signedZero) {
    twoDomains<No, Yes, Yes>(job, part, start, end);
  } else {
    twoDomains<No, No, Yes>(job, part, start, end);
  }
}
