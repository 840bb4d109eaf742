/**
 * sum, mean, max and argmax of x read as [outer, kept, inner], reducing over outer and inner and
 * keeping the middle: batch norm statistics and bias gradients (axes [0, 2, 3] of NCHW), and the
 * last axes of a row-major tensor (outer = 1). For kept index k the values x[o, k, i], o-major then
 * i, are exactly the reference backend's row-major walk over the reduced axes, so no transpose is
 * needed: sums add the same float64 terms in the same order (bit-identical), and argmax reports
 * o * inner + i, the row-major index within the reduced axes.
 *
 * A float64 sum is one dependency chain whose order may not change: alone, each addition would
 * wait for the previous one. So a pass runs the chains of several kept indices at once: the two
 * lanes of an f64x2 hold two kept indices (each lane adds its own values, in order), and up to
 * four such pairs, eight kept indices, read eight contiguous runs side by side. Then the float32
 * to float64 conversions and the shuffles that pair the lanes bound the loop, not the latency of
 * the additions (measured: a pass of one pair sums at 70-95 % of the rate of a pass of four).
 * Threads split the kept indices in units of at most eight, sized by the host so that a few kept
 * indices still give every thread a share (LeNet-5's 6 channels: 3 each); one kept index is never
 * split, so results do not depend on the thread count.
 *
 * max and argmax scan each kept index separately, eight positions at a time in two sets of four
 * lanes; each lane keeps the first maximum of the positions it saw (NaN counts as the maximum, and
 * a NaN lane never changes), and the lanes are merged by value, then position: the first maximum
 * overall. max is the value at that position: the reference keeps the first of equal maxima too,
 * which matters for -0 against 0 and for NaN payloads. Over zero elements: sum 0, mean NaN (0 / 0),
 * max -Infinity, argmax -1.
 */
import { claim } from './schedule';

// Operation codes of assembly/reduce.ts (max is 2).
const SUM = 0;
const MEAN = 1;
const ARGMAX = 3;

// Job layout (i32 words).
const OP = 0;
const OUTER = 1;
const KEPT = 2;
const INNER = 3;
const INPUT = 4;
const OUTPUT = 5;
/** Kept indices per unit of work (the host keeps it to PASS_KEPT: one summing pass each). */
const KEPT_PER_UNIT = 6;
/** Kept indices one summing pass accumulates at once: four f64x2 pairs. */
const PASS_KEPT = 8;

/** Compile-time flags (as in quantize-fast.ts): a pass instantiated with Yes keeps that pair. */
type Yes = i32;
type No = f32;

@inline function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

/**
 * Adds positions i..i+3 of two kept indices (a, b: four values each) to their lanes, in order. The
 * new value is the first operand: when both are NaN, x64 returns the first one's payload and sign,
 * and the reference backend's JavaScript gives the new value's (a NaN input after an Infinity -
 * Infinity keeps its positive sign there).
 */
@inline function addFour(sum: v128, a: v128, b: v128): v128 {
  const low = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const high = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  sum = f64x2.add(f64x2.promote_low_f32x4(low), sum);
  sum = f64x2.add(f64x2.promote_low_f32x4(v128.shuffle<f32>(low, low, 2, 3, 2, 3)), sum);
  sum = f64x2.add(f64x2.promote_low_f32x4(high), sum);
  return f64x2.add(f64x2.promote_low_f32x4(v128.shuffle<f32>(high, high, 2, 3, 2, 3)), sum);
}

/** Adds position 0 of two kept indices (addresses a and b) to their lanes (new value first, as addFour). */
@inline function addOne(sum: v128, a: usize, b: usize): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(v128.load32_lane(b, v128.load32_zero(a), 1)), sum);
}

/**
 * Float64 sums of kept indices [first, last) (at most PASS_KEPT) over all o and i, stored as f64 at
 * sums + 8 (k - first). Pair p holds kept indices first + 2p and first + 2p + 1; a lone last index
 * is paired with itself, its second lane stored in the slot after the last. Second, Third and
 * Fourth say which pairs after the first exist.
 */
@inline function sumPass<Second, Third, Fourth>(input: usize, outer: i32, kept: i32, inner: i32, first: i32, last: i32, sums: usize): void {
  const rowBytes = <usize>inner << 2;
  const blockBytes = <usize>kept * rowBytes;
  // Byte offsets of each pair's two kept indices within an outer block.
  const a0 = <usize>first * rowBytes;
  const b0 = <usize>min(first + 1, last - 1) * rowBytes;
  const a1 = <usize>min(first + 2, last - 1) * rowBytes;
  const b1 = <usize>min(first + 3, last - 1) * rowBytes;
  const a2 = <usize>min(first + 4, last - 1) * rowBytes;
  const b2 = <usize>min(first + 5, last - 1) * rowBytes;
  const a3 = <usize>min(first + 6, last - 1) * rowBytes;
  const b3 = <usize>min(first + 7, last - 1) * rowBytes;
  let sum0 = f64x2.splat(0);
  let sum1 = sum0;
  let sum2 = sum0;
  let sum3 = sum0;
  for (let o = 0; o < outer; o++) {
    const block = input + <usize>o * blockBytes;
    let i = 0;
    // Eight positions per iteration: the second four at constant offsets (fewer address computations).
    for (; i + 8 <= inner; i += 8) {
      const at = block + (<usize>i << 2);
      sum0 = addFour(sum0, v128.load(at + a0), v128.load(at + b0));
      if (isInteger<Second>()) sum1 = addFour(sum1, v128.load(at + a1), v128.load(at + b1));
      if (isInteger<Third>()) sum2 = addFour(sum2, v128.load(at + a2), v128.load(at + b2));
      if (isInteger<Fourth>()) sum3 = addFour(sum3, v128.load(at + a3), v128.load(at + b3));
      sum0 = addFour(sum0, v128.load(at + a0, 16), v128.load(at + b0, 16));
      if (isInteger<Second>()) sum1 = addFour(sum1, v128.load(at + a1, 16), v128.load(at + b1, 16));
      if (isInteger<Third>()) sum2 = addFour(sum2, v128.load(at + a2, 16), v128.load(at + b2, 16));
      if (isInteger<Fourth>()) sum3 = addFour(sum3, v128.load(at + a3, 16), v128.load(at + b3, 16));
    }
    if (i + 4 <= inner) {
      const at = block + (<usize>i << 2);
      sum0 = addFour(sum0, v128.load(at + a0), v128.load(at + b0));
      if (isInteger<Second>()) sum1 = addFour(sum1, v128.load(at + a1), v128.load(at + b1));
      if (isInteger<Third>()) sum2 = addFour(sum2, v128.load(at + a2), v128.load(at + b2));
      if (isInteger<Fourth>()) sum3 = addFour(sum3, v128.load(at + a3), v128.load(at + b3));
      i += 4;
    }
    for (; i < inner; i++) {
      const at = block + (<usize>i << 2);
      sum0 = addOne(sum0, at + a0, at + b0);
      if (isInteger<Second>()) sum1 = addOne(sum1, at + a1, at + b1);
      if (isInteger<Third>()) sum2 = addOne(sum2, at + a2, at + b2);
      if (isInteger<Fourth>()) sum3 = addOne(sum3, at + a3, at + b3);
    }
  }
  v128.store(sums, sum0);
  if (isInteger<Second>()) v128.store(sums, sum1, 16);
  if (isInteger<Third>()) v128.store(sums, sum2, 32);
  if (isInteger<Fourth>()) v128.store(sums, sum3, 48);
}

function sumPairs1(input: usize, outer: i32, kept: i32, inner: i32, first: i32, last: i32, sums: usize): void {
  sumPass<No, No, No>(input, outer, kept, inner, first, last, sums);
}

function sumPairs2(input: usize, outer: i32, kept: i32, inner: i32, first: i32, last: i32, sums: usize): void {
  sumPass<Yes, No, No>(input, outer, kept, inner, first, last, sums);
}

function sumPairs3(input: usize, outer: i32, kept: i32, inner: i32, first: i32, last: i32, sums: usize): void {
  sumPass<Yes, Yes, No>(input, outer, kept, inner, first, last, sums);
}

function sumPairs4(input: usize, outer: i32, kept: i32, inner: i32, first: i32, last: i32, sums: usize): void {
  sumPass<Yes, Yes, Yes>(input, outer, kept, inner, first, last, sums);
}

/** sum or mean of kept indices [first, last), at most PASS_KEPT: one pass over x. */
function sumOrMean(op: i32, input: usize, output: usize, outer: i32, kept: i32, inner: i32, first: i32, last: i32, sums: usize): void {
  const count = last - first;
  const pairs = (count + 1) >> 1;
  if (pairs == 1) sumPairs1(input, outer, kept, inner, first, last, sums);
  else if (pairs == 2) sumPairs2(input, outer, kept, inner, first, last, sums);
  else if (pairs == 3) sumPairs3(input, outer, kept, inner, first, last, sums);
  else sumPairs4(input, outer, kept, inner, first, last, sums);
  const values = <f64>outer * <f64>inner;
  for (let k = 0; k < count; k++) {
    const sum = load<f64>(sums + (<usize>k << 3));
    store<f32>(output + (<usize>(first + k) << 2), <f32>(op == MEAN ? sum / values : sum));
  }
}

/** Does lane (value, position) come before the first maximum so far (best, bestPosition)? -1: none. */
@inline function earlierMaximum(value: f32, position: i32, best: f32, bestPosition: i32): bool {
  if (position < 0) return false; // the lane saw only -Infinity
  if (bestPosition < 0) return true;
  if (best != best) return value != value && position < bestPosition;
  return value != value || value > best || (value == best && position < bestPosition);
}

/**
 * Position (o * inner + i) of the first maximum of kept index k; -1 when every value is -Infinity
 * or there are none. Lanes start at -Infinity and take a value only when it is larger or NaN, so a
 * lane that saw only -Infinity keeps position -1. `lanes`: 64 bytes of scratch for the merge.
 */
function firstMaximum(input: usize, outer: i32, kept: i32, inner: i32, k: i32, lanes: usize): i32 {
  const rowBytes = <usize>inner << 2;
  const blockBytes = <usize>kept * rowBytes;
  let bestA = f32x4.splat(-Infinity);
  let bestB = bestA;
  let positionA = i32x4.splat(-1);
  let positionB = positionA;
  // Positions left over by the vectors (inner not a multiple of 4), in order.
  let best: f32 = -Infinity;
  let bestPosition = -1;
  for (let o = 0; o < outer; o++) {
    const row = input + <usize>o * blockBytes + <usize>k * rowBytes;
    let position = i32x4.add(i32x4.splat(o * inner), i32x4(0, 1, 2, 3));
    let i = 0;
    for (; i + 8 <= inner; i += 8) {
      const at = row + (<usize>i << 2);
      const a = v128.load(at);
      const b = v128.load(at, 16);
      const takeA = v128.and(f32x4.eq(bestA, bestA), v128.or(f32x4.gt(a, bestA), f32x4.ne(a, a)));
      const takeB = v128.and(f32x4.eq(bestB, bestB), v128.or(f32x4.gt(b, bestB), f32x4.ne(b, b)));
      bestA = v128.bitselect(a, bestA, takeA);
      bestB = v128.bitselect(b, bestB, takeB);
      positionA = v128.bitselect(position, positionA, takeA);
      positionB = v128.bitselect(i32x4.add(position, i32x4.splat(4)), positionB, takeB);
      position = i32x4.add(position, i32x4.splat(8));
    }
    if (i + 4 <= inner) {
      const a = v128.load(row + (<usize>i << 2));
      const takeA = v128.and(f32x4.eq(bestA, bestA), v128.or(f32x4.gt(a, bestA), f32x4.ne(a, a)));
      bestA = v128.bitselect(a, bestA, takeA);
      positionA = v128.bitselect(position, positionA, takeA);
      i += 4;
    }
    for (; i < inner; i++) {
      const value = load<f32>(row + (<usize>i << 2));
      if (best == best && (value > best || value != value)) {
        best = value;
        bestPosition = o * inner + i;
      }
    }
  }
  v128.store(lanes, bestA);
  v128.store(lanes, bestB, 16);
  v128.store(lanes, positionA, 32);
  v128.store(lanes, positionB, 48);
  for (let lane = 0; lane < 8; lane++) {
    const value = load<f32>(lanes + (<usize>lane << 2));
    const position = load<i32>(lanes + 32 + (<usize>lane << 2));
    if (earlierMaximum(value, position, best, bestPosition)) {
      best = value;
      bestPosition = position;
    }
  }
  return bestPosition;
}

/** max or argmax of kept index k (see firstMaximum). */
function maximumOf(op: i32, input: usize, output: usize, outer: i32, kept: i32, inner: i32, k: i32, lanes: usize): void {
  const position = firstMaximum(input, outer, kept, inner, k, lanes);
  const target = output + (<usize>k << 2);
  const empty = outer == 0 || inner == 0;
  if (op == ARGMAX) {
    // All -Infinity: the first position holds the maximum.
    store<i32>(target, position >= 0 ? position : empty ? -1 : 0);
  } else if (position < 0) {
    store<f32>(target, -Infinity);
  } else {
    const o = position / inner;
    const rowBytes = <usize>inner << 2;
    store<f32>(target, load<f32>(input + <usize>o * <usize>kept * rowBytes + <usize>k * rowBytes + (<usize>(position - o * inner) << 2)));
  }
}

export function reduceChannelsTask(job: usize, part: i32, parts: i32): void {
  const op = word(job, OP);
  const outer = word(job, OUTER);
  const kept = word(job, KEPT);
  const inner = word(job, INNER);
  const input = <usize>word(job, INPUT);
  const output = <usize>word(job, OUTPUT);
  const perUnit = word(job, KEPT_PER_UNIT);
  const units = (kept + perUnit - 1) / perUnit;
  // This part's KiB after the first of the job block (src/runtime.ts): sums, or lanes to merge.
  const scratch = job + 1024 + (<usize>part << 10);
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    const first = unit * perUnit;
    const last = min(kept, first + perUnit);
    if (op == SUM || op == MEAN) {
      for (let start = first; start < last; start += PASS_KEPT) sumOrMean(op, input, output, outer, kept, inner, start, min(last, start + PASS_KEPT), scratch);
    } else {
      for (let k = first; k < last; k++) maximumOf(op, input, output, outer, kept, inner, k, scratch);
    }
  }
}
