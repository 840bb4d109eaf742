/**
 * Strided copies: transpose, slice, pad, concat and cast are all "for every index of a shape,
 * dst[dBase + index · dStrides] = convert(src[sBase + index · sStrides])" (strides in elements,
 * negative for reversed slices). The host (src/kernels/movement.ts) merges axes first; the last
 * axis is the inner loop, a contiguous copy when both inner strides are 1. Bits are copied exactly
 * (int32 too); cast converts float32 -> int32 with wasm's saturating truncation (NaN -> 0) or
 * int32 -> float32 rounding to nearest even, like the reference backend.
 */
import { claim } from './schedule';

const COPY = 0;
const FLOAT_TO_INT = 1;
const INT_TO_FLOAT = 2;

// Job layout (i32 words).
const MODE = 0;
const RANK = 1;
const DESTINATION = 2;
const SOURCE = 3;
const SHAPE = 8;
const DESTINATION_STRIDES = 16;
const SOURCE_STRIDES = 24;
/** Values per unit of work (rows are grouped up to this). */
const UNIT_VALUES = 1 << 14;

@inline function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

@inline function row(mode: i32, dst: usize, dStep: i32, src: usize, sStep: i32, count: i32): void {
  if (mode == COPY && dStep == 1 && sStep == 1) {
    let i = 0;
    for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
    for (; i < count; i++) store<i32>(dst + (<usize>i << 2), load<i32>(src + (<usize>i << 2)));
    return;
  }
  for (let i = 0; i < count; i++) {
    const to = dst + (<isize>(i * dStep) << 2);
    const from = src + (<isize>(i * sStep) << 2);
    if (mode == FLOAT_TO_INT) store<i32>(to, i32x4.extract_lane(i32x4.trunc_sat_f32x4_s(f32x4.splat(load<f32>(from))), 0));
    else if (mode == INT_TO_FLOAT) store<f32>(to, <f32>load<i32>(from));
    else store<i32>(to, load<i32>(from));
  }
}

@inline function rows(job: usize, mode: i32, first: i32, last: i32): void {
  const rank = word(job, RANK);
  const inner = word(job, SHAPE + rank - 1);
  const dStep = word(job, DESTINATION_STRIDES + rank - 1);
  const sStep = word(job, SOURCE_STRIDES + rank - 1);
  const dst = <usize>word(job, DESTINATION);
  const src = <usize>word(job, SOURCE);
  for (let r = first; r < last; r++) {
    let rest = r;
    let dOffset = 0;
    let sOffset = 0;
    for (let axis = rank - 2; axis >= 0; axis--) {
      const size = word(job, SHAPE + axis);
      const index = rest % size;
      rest /= size;
      dOffset += index * word(job, DESTINATION_STRIDES + axis);
      sOffset += index * word(job, SOURCE_STRIDES + axis);
    }
    row(mode, dst + (<isize>dOffset << 2), dStep, src + (<isize>sOffset << 2), sStep, inner);
  }
}

export function copyTask(job: usize, part: i32, parts: i32): void {
  const rank = word(job, RANK);
  const inner = word(job, SHAPE + rank - 1);
  let outer = 1;
  for (let axis = 0; axis < rank - 1; axis++) outer *= word(job, SHAPE + axis);
  const perUnit = max(1, UNIT_VALUES / max(inner, 1));
  const units = (outer + perUnit - 1) / perUnit;
  const mode = word(job, MODE);
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    const first = unit * perUnit;
    const last = min(outer, first + perUnit);
    if (mode == COPY) rows(job, COPY, first, last);
    else if (mode == FLOAT_TO_INT) rows(job, FLOAT_TO_INT, first, last);
    else rows(job, INT_TO_FLOAT, first, last);
  }
}
