/**
 * Fixed point quantize (saturating), bit-identical to @lowbit/formats
 * (packages/formats/src/fixed/quantize.ts): value = clamp(x · 2^F, low, high) rounded to an
 * integer n, result n · 2^-F + 0. As there, everything is float64 (f64x2 here): x · 2^F is exact
 * in float64 whatever F, and the rounding functions map exactly onto f64x2 nearest/ceil/floor/
 * trunc. The final `+ 0` turns -0 into +0 (a two's complement integer has no -0).
 * Wrapping overflow (keep the low wordBits bits of the rounded integer) is rare in training: a
 * scalar float64 loop, a direct port of formats' quantizeWrapping.
 */
import {
  QUANTIZE_UNIT,
  R_NEAREST_AWAY,
  R_NEAREST_EVEN,
  R_ODD,
  R_STOCHASTIC,
  R_TOWARD_NEGATIVE,
  R_TOWARD_POSITIVE,
  R_TOWARD_ZERO,
} from './quantize';
import { mix32 } from './quantize';
import { claim } from './schedule';

// Job layout: i32 words 0..7, then f64 values from byte 64.
const COUNT = 0;
const INPUT = 1;
const OUTPUT = 2;
const ROUNDING = 3;
const RANDOM_BITS = 4;
const FIRST = 5;
const SECOND = 6;
const COUNTER_BASE = 7;
/** The float32 bits formats' JavaScript gives for a NaN input in this rounding (the engine's NaN). */
const NAN_RESULT = 8;
/** 1: wrap-around overflow (then SIGNED and WRAP_SHIFT = 32 - wordBits apply). */
const WRAP = 9;
const SIGNED = 10;
const WRAP_SHIFT = 11;
const SCALE = 64;
const STEP = 72;
const LOW = 80;
const HIGH = 88;

@inline function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

@inline function mix32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x21f0aaad));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x735a2d97));
  return v128.xor(x, i32x4.shr_u(x, 15));
}

/** Two values (float64 lanes, already scaled and clamped) rounded to integers. */
@inline function roundPair(rounding: i32, y: v128, negative: v128, random: v128, randomScale: f64): v128 {
  if (rounding == R_NEAREST_EVEN) return f64x2.nearest(y);
  if (rounding == R_TOWARD_ZERO) return f64x2.trunc(y);
  if (rounding == R_TOWARD_POSITIVE) return f64x2.ceil(y);
  if (rounding == R_TOWARD_NEGATIVE) return f64x2.floor(y);
  if (rounding == R_NEAREST_AWAY) {
    const magnitude = f64x2.floor(f64x2.add(f64x2.abs(y), f64x2.splat(0.5)));
    return v128.bitselect(f64x2.neg(magnitude), magnitude, negative);
  }
  if (rounding == R_ODD) {
    // Of floor and floor + 1, the odd one (floor | 1 in formats): add 1 when inexact and floor is even.
    const floor = f64x2.floor(y);
    const even = f64x2.eq(f64x2.mul(f64x2.floor(f64x2.mul(floor, f64x2.splat(0.5))), f64x2.splat(2)), floor);
    return f64x2.add(floor, v128.and(v128.and(f64x2.gt(y, floor), even), f64x2.splat(1)));
  }
  // Stochastic: |y| rounds up iff random + 1 <= fraction · 2^randomBits, then the sign of x.
  const magnitude = f64x2.abs(y);
  const floor = f64x2.floor(magnitude);
  const up = f64x2.le(f64x2.add(random, f64x2.splat(1)), f64x2.mul(f64x2.sub(magnitude, floor), f64x2.splat(randomScale)));
  const rounded = f64x2.add(floor, v128.and(up, f64x2.splat(1)));
  return f64x2.mul(rounded, v128.bitselect(f64x2.splat(-1), f64x2.splat(1), negative));
}

@inline function quantizeRange(job: usize, rounding: i32, start: i32, end: i32): void {
  const input = <usize>word(job, INPUT);
  const output = <usize>word(job, OUTPUT);
  const scale = f64x2.splat(load<f64>(job + SCALE));
  const step = f64x2.splat(load<f64>(job + STEP));
  const low = f64x2.splat(load<f64>(job + LOW));
  const high = f64x2.splat(load<f64>(job + HIGH));
  const randomBits = word(job, RANDOM_BITS);
  const randomScale = Math.pow(2, <f64>randomBits);
  const first = i32x4.splat(word(job, FIRST));
  const second = i32x4.splat(word(job, SECOND));
  const counterBase = word(job, COUNTER_BASE);
  const lanes = i32x4(0, 1, 2, 3);
  const zero = f64x2.splat(0);
  const nanResult = i32x4.splat(word(job, NAN_RESULT));
  let i = start;
  // Whole vectors; the tail goes through a 4-value buffer on the stack of the job block.
  const tail = job + 128;
  while (i < end) {
    const whole = i + 4 <= end;
    const offset = <usize>i << 2;
    if (!whole) {
      v128.store(tail, i32x4.splat(0));
      memory.copy(tail, input + offset, <usize>(end - i) << 2);
    }
    const x = v128.load(whole ? input + offset : tail);
    let random = i32x4.splat(0);
    if (rounding == R_STOCHASTIC) {
      const counter = i32x4.add(i32x4.splat(counterBase + i), lanes);
      random = i32x4.shr_u(mix32x4(v128.xor(mix32x4(v128.xor(counter, first)), second)), 32 - randomBits);
    }
    const xLow = f64x2.promote_low_f32x4(x);
    const xHigh = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3));
    const negativeLow = i64x2.shr_s(xLow, 63);
    const negativeHigh = i64x2.shr_s(xHigh, 63);
    const randomLow = f64x2.convert_low_i32x4_u(random);
    const randomHigh = f64x2.convert_low_i32x4_u(v128.shuffle<i32>(random, random, 2, 3, 2, 3));
    const yLow = f64x2.min(f64x2.max(f64x2.mul(xLow, scale), low), high);
    const yHigh = f64x2.min(f64x2.max(f64x2.mul(xHigh, scale), low), high);
    const resultLow = f64x2.add(f64x2.mul(roundPair(rounding, yLow, negativeLow, randomLow, randomScale), step), zero);
    const resultHigh = f64x2.add(f64x2.mul(roundPair(rounding, yHigh, negativeHigh, randomHigh, randomScale), step), zero);
    let result = v128.shuffle<f32>(f32x4.demote_f64x2_zero(resultLow), f32x4.demote_f64x2_zero(resultHigh), 0, 1, 4, 5);
    result = v128.bitselect(nanResult, result, f32x4.ne(x, x));
    if (whole) {
      v128.store(output + offset, result);
      i += 4;
    } else {
      v128.store(tail, result);
      memory.copy(output + offset, tail, <usize>(end - i) << 2);
      i = end;
    }
  }
}

/** formats' roundToInteger: |y| < 2^23 (larger values are integers already); random has randomBits bits. */
@inline function roundToInteger(y: f64, rounding: i32, random: u32, randomScale: f64): f64 {
  if (rounding == R_NEAREST_EVEN) return nearest<f64>(y);
  if (rounding == R_NEAREST_AWAY) return y < 0 ? -Math.floor(0.5 - y) : Math.floor(y + 0.5);
  if (rounding == R_TOWARD_ZERO) return Math.trunc(y);
  if (rounding == R_TOWARD_POSITIVE) return Math.ceil(y);
  if (rounding == R_TOWARD_NEGATIVE) return Math.floor(y);
  if (rounding == R_ODD) {
    const floor = Math.floor(y);
    return y > floor ? <f64>(<i32>floor | 1) : floor;
  }
  const magnitude = Math.abs(y);
  const floor = Math.floor(magnitude);
  return (y < 0 ? -1 : 1) * (floor + (<f64>random + 1 <= (magnitude - floor) * randomScale ? 1 : 0));
}

/** One value with wrap-around overflow (float32 bits of the result). */
@inline function wrapOne(job: usize, x: f32, rounding: i32, random: u32, randomScale: f64): i32 {
  const step = load<f64>(job + STEP);
  const y = <f64>x * load<f64>(job + SCALE);
  // ±Inf has no low bits to keep: it saturates, as in formats.
  if (y == Infinity) return reinterpret<i32>(<f32>(load<f64>(job + HIGH) * step));
  if (y == -Infinity) return reinterpret<i32>(<f32>(load<f64>(job + LOW) * step));
  if (y != y) return word(job, NAN_RESULT);
  const rounded = Math.abs(y) < 8388608 ? roundToInteger(y, rounding, random, randomScale) : y;
  // JavaScript's ToInt32: the integer modulo 2^32 (exact in float64 for any integer-valued double).
  const modulo = rounded - Math.floor(rounded * (1.0 / 4294967296.0)) * 4294967296.0;
  const shift = word(job, WRAP_SHIFT);
  const shifted = <i32><u32>modulo << shift;
  const integer = word(job, SIGNED) != 0 ? <f64>(shifted >> shift) : <f64>(<u32>shifted >>> shift);
  return reinterpret<i32>(<f32>(integer * step));
}

function wrapRange(job: usize, rounding: i32, start: i32, end: i32): void {
  const input = <usize>word(job, INPUT);
  const output = <usize>word(job, OUTPUT);
  const randomBits = word(job, RANDOM_BITS);
  const randomScale = Math.pow(2, <f64>randomBits);
  const first = <u32>word(job, FIRST);
  const second = <u32>word(job, SECOND);
  const counterBase = <u32>word(job, COUNTER_BASE);
  for (let i = start; i < end; i++) {
    const offset = <usize>i << 2;
    const random = rounding == R_STOCHASTIC ? mix32(mix32((counterBase + <u32>i) ^ first) ^ second) >>> <u32>(32 - randomBits) : 0;
    store<i32>(output + offset, wrapOne(job, load<f32>(input + offset), rounding, random, randomScale));
  }
}

/** Thread entry: takes blocks of QUANTIZE_UNIT elements (only the last one has a tail). */
export function quantizeFixedTask(job: usize, part: i32, parts: i32): void {
  const count = word(job, COUNT);
  const units = (count + QUANTIZE_UNIT - 1) / QUANTIZE_UNIT;
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    quantizeFixedUnit(job, unit * QUANTIZE_UNIT, min(count, (unit + 1) * QUANTIZE_UNIT));
  }
}

/** Elements [start, end) of the job (also called by tensor-format.ts on its own job copy). */
export function quantizeFixedUnit(job: usize, start: i32, end: i32): void {
  if (word(job, WRAP) != 0) {
    wrapRange(job, word(job, ROUNDING), start, end);
    return;
  }
  switch (word(job, ROUNDING)) {
    case R_NEAREST_EVEN: quantizeRange(job, R_NEAREST_EVEN, start, end); break;
    case R_NEAREST_AWAY: quantizeRange(job, R_NEAREST_AWAY, start, end); break;
    case R_TOWARD_ZERO: quantizeRange(job, R_TOWARD_ZERO, start, end); break;
    case R_TOWARD_POSITIVE: quantizeRange(job, R_TOWARD_POSITIVE, start, end); break;
    case R_TOWARD_NEGATIVE: quantizeRange(job, R_TOWARD_NEGATIVE, start, end); break;
    case R_ODD: quantizeRange(job, R_ODD, start, end); break;
    default: quantizeRange(job, R_STOCHASTIC, start, end);
  }
}
