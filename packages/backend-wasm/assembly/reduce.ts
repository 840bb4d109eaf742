/**
 * sum, mean, max and argmax over one contiguous block of axes: the host reads x as [outer, reduce,
 * inner] (src/kernels/reduce.ts first transposes other axis sets into one block). Every output
 * value is accumulated in ascending order over the reduced index, in float64 for sum and mean like
 * the reference backend, so the result does not depend on how outputs are split between threads.
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
    let sum: f64 = 0;
    for (let r = 0; r < reduce; r++) sum += <f64>load<f32>(base + <usize>r * rowBytes);
    store<f32>(target, <f32>(op == MEAN ? sum / <f64>reduce : sum));
    return;
  }
  for (let i = 0; i < count; i++) store<f64>(sums + (<usize>i << 3), 0);
  for (let r = 0; r < reduce; r++) {
    const row = base + <usize>r * rowBytes;
    let i = 0;
    for (; i + 2 <= count; i += 2) {
      const at = sums + (<usize>i << 3);
      v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>i << 2)))));
    }
    for (; i < count; i++) {
      const at = sums + (<usize>i << 3);
      store<f64>(at, load<f64>(at) + <f64>load<f32>(row + (<usize>i << 2)));
    }
  }
  for (let i = 0; i < count; i++) {
    const sum = load<f64>(sums + (<usize>i << 3));
    store<f32>(target + (<usize>i << 2), <f32>(op == MEAN ? sum / <f64>reduce : sum));
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
