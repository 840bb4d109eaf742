/**
 * sum, mean, max and argmax over one contiguous block of axes between kept ones: the host reads x
 * as [outer, reduce, inner] (src/kernels/reduce.ts; reduced axes around kept ones go to
 * reduce-channels.ts). Vectorised over the inner positions, so best for a middle axis and for
 * leading axes that keep many values. Every output value is accumulated in ascending order over
 * the reduced index, in float64 for sum and mean like the reference backend, so the result does
 * not depend on how outputs are split between threads; the new value is the first operand of each
 * addition, which decides the sign of a NaN when both are NaN (see addValue).
 * max propagates NaN and gives -Infinity over zero elements; argmax gives the first maximum, a NaN
 * counting as the maximum (its first occurrence wins), -1 over zero elements.
 */
import { claim } from './schedule';

const SUM = 0;
const MEAN = 1;
const MAX = 2;
const ARGMAX = 3;

// Job layout (i32 words).
const OP = 0;
const OUTER = 1;
const REDUCE = 2;
const INNER = 3;
const INPUT = 4;
const OUTPUT = 5;
const SCRATCH = 6;
const SCRATCH_STRIDE = 7;
/** Inner positions per unit of work (and float64 accumulators per thread). */
export const REDUCE_BLOCK = 256;

@inline function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

/** Output positions (o, i) for i in [first, last): accumulators in `sums` (float64) or in place (max). */
function block(op: i32, input: usize, output: usize, reduce: i32, inner: i32, o: i32, first: i32, last: i32, sums: usize): void {
  const count = last - first;
  const base = input + ((<usize>o * reduce * inner + first) << 2);
  const target = output + ((<usize>o * inner + first) << 2);
  const rowBytes = <usize>inner << 2;
  if (op == ARGMAX) {
    argmaxBlock(base, output + ((<usize>o * inner + first) << 2), reduce, rowBytes, count, sums);
    return;
  }
  if (op == MAX) {
    for (let i = 0; i < count; i++) store<f32>(target + (<usize>i << 2), -Infinity);
    for (let r = 0; r < reduce; r++) {
      const row = base + <usize>r * rowBytes;
      for (let i = 0; i < count; i++) {
        const value = load<f32>(row + (<usize>i << 2));
        const current = load<f32>(target + (<usize>i << 2));
        if (value > current || (value != value && current == current)) store<f32>(target + (<usize>i << 2), value);
      }
    }
    return;
  }
  if (count == 1) {
    let sum = f64x2.splat(0);
    for (let r = 0; r < reduce; r++) sum = addValue(sum, base + <usize>r * rowBytes);
    const total = f64x2.extract_lane(sum, 0);
    store<f32>(target, <f32>(op == MEAN ? total / <f64>reduce : total));
    return;
  }
  for (let i = 0; i < count; i++) store<f64>(sums + (<usize>i << 3), 0);
  let r = 0;
  for (; r + 4 <= reduce; r += 4) addFourRows(base + <usize>r * rowBytes, rowBytes, count, sums);
  for (; r < reduce; r++) {
    const row = base + <usize>r * rowBytes;
    let i = 0;
    for (; i + 2 <= count; i += 2) {
      const at = sums + (<usize>i << 3);
      v128.store(at, addLow(v128.load(at), v128.load64_zero(row + (<usize>i << 2))));
    }
    for (; i < count; i++) {
      const at = sums + (<usize>i << 3);
      v128.store64_lane(at, addValue(v128.load64_zero(at), row + (<usize>i << 2)), 0);
    }
  }
  for (let i = 0; i < count; i++) {
    const sum = load<f64>(sums + (<usize>i << 3));
    store<f32>(target + (<usize>i << 2), <f32>(op == MEAN ? sum / <f64>reduce : sum));
  }
}

/**
 * Every addition is an f64x2 one with the new value first: when both operands are NaN, x64 keeps
 * the first one's sign and payload, as the reference backend's JavaScript does with the new value
 * (reduce-channels.ts addFour). V8 keeps the operand order of f64x2.add; a scalar f64.add it may
 * swap (measured: a NaN input after Infinity - Infinity then lost its sign), so single values go
 * through lane 0 of an f64x2 too.
 */
@inline function addValue(sum: v128, value: usize): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(v128.load32_zero(value)), sum);
}

/** sum plus the float64 of lanes 0 and 1 of `values`. */
@inline function addLow(sum: v128, values: v128): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(values), sum);
}

/** sum plus the float64 of lanes 2 and 3 of `values`. */
@inline function addHigh(sum: v128, values: v128): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(v128.shuffle<f32>(values, values, 2, 3, 2, 3)), sum);
}

/**
 * Adds four rows (from `row`, in order) to the float64 sums of `count` positions: each sum is loaded
 * and stored once per four rows instead of once per row.
 */
@inline function addFourRows(row: usize, rowBytes: usize, count: i32, sums: usize): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = sums + (<usize>i << 3);
    const offset = <usize>i << 2;
    const first = v128.load(row + offset);
    const second = v128.load(row + rowBytes + offset);
    const third = v128.load(row + 2 * rowBytes + offset);
    const fourth = v128.load(row + 3 * rowBytes + offset);
    v128.store(at, addLow(addLow(addLow(addLow(v128.load(at), first), second), third), fourth));
    v128.store(at, addHigh(addHigh(addHigh(addHigh(v128.load(at, 16), first), second), third), fourth), 16);
  }
  for (; i < count; i++) {
    const at = sums + (<usize>i << 3);
    const value = row + (<usize>i << 2);
    const sum = addValue(addValue(addValue(addValue(v128.load64_zero(at), value), value + rowBytes), value + 2 * rowBytes), value + 3 * rowBytes);
    v128.store64_lane(at, sum, 0);
  }
}

/**
 * argmax of `count` adjacent positions: the best value so far per position in `best` (float32),
 * the index in `target` (int32). A position whose best is NaN never changes again.
 */
function argmaxBlock(base: usize, target: usize, reduce: i32, rowBytes: usize, count: i32, best: usize): void {
  const initial = reduce > 0 ? 0 : -1;
  for (let i = 0; i < count; i++) store<i32>(target + (<usize>i << 2), initial);
  if (reduce == 0) return;
  memory.copy(best, base, <usize>count << 2);
  for (let r = 1; r < reduce; r++) {
    const row = base + <usize>r * rowBytes;
    const index = i32x4.splat(r);
    let i = 0;
    for (; i + 4 <= count; i += 4) {
      const at = <usize>i << 2;
      const value = v128.load(row + at);
      const current = v128.load(best + at);
      const take = v128.and(f32x4.eq(current, current), v128.or(f32x4.gt(value, current), f32x4.ne(value, value)));
      v128.store(best + at, v128.bitselect(value, current, take));
      v128.store(target + at, v128.bitselect(index, v128.load(target + at), take));
    }
    for (; i < count; i++) {
      const at = <usize>i << 2;
      const value = load<f32>(row + at);
      const current = load<f32>(best + at);
      if (current == current && (value > current || value != value)) {
        store<f32>(best + at, value);
        store<i32>(target + at, r);
      }
    }
  }
}

export function reduceTask(job: usize, part: i32, parts: i32): void {
  const op = word(job, OP);
  const outer = word(job, OUTER);
  const reduce = word(job, REDUCE);
  const inner = word(job, INNER);
  const blocks = (inner + REDUCE_BLOCK - 1) / REDUCE_BLOCK;
  const units = outer * blocks;
  const sums = <usize>word(job, SCRATCH) + <usize>part * <usize>word(job, SCRATCH_STRIDE);
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    const o = unit / blocks;
    const first = (unit - o * blocks) * REDUCE_BLOCK;
    block(op, <usize>word(job, INPUT), <usize>word(job, OUTPUT), reduce, inner, o, first, min(inner, first + REDUCE_BLOCK), sums);
  }
}
