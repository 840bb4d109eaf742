/**
 * Tensor formats of @lowbit/formats (scaled per tensor or channel, block-scaled, OCP MX),
 * bit-identical to its makeTensorFormat (packages/formats/src/scaled/): for each group of values
 * sharing a scale s (chosen from the group's largest magnitude),
 *   v = x / s in float32, clamped to [element min, element max]  (a NaN scale: v = 0)
 *   q = the element format's rounding of v (counter offset + i for value i, as for element formats)
 *   result = q · s in float32                                      (a NaN scale: NaN)
 * Three phases, each a call over all threads (the host runs them in order):
 *   AMAX      largest magnitude bits per group, merged with an atomic max (a group may span units;
 *             max is exact and order-free, so the result does not depend on the split);
 *   SCALES    amax -> scale in float64, formats' scaleChooser operation for operation;
 *   QUANTIZE  per chunk of 1024 values: v into a per-thread buffer, the element kernel
 *             (quantize.ts, fixed.ts) on the buffer in place, q · s into the output.
 * formats computes v and q · s in float64 and rounds once; with float32 operands and power-of-two
 * or float32 scales that is the correctly rounded float32 division and product, and clamping
 * commutes with rounding to float32 (rounding is monotone and the bounds are float32 values).
 *
 * Groups follow formats' layout walk (scaled/layout.ts): x read as [outer, axis, inner], value
 * (o, j, r) in group o·outerStride + floor(j / block)·blockStride + r·innerStride. A "segment" is a
 * stretch of contiguous values in one group (step 0) or in consecutive groups (step 1); each chunk
 * of values lists its segments once and every pass replays the list.
 */
import { quantizeFixedUnit } from './fixed';
import { quantizeUnit } from './quantize';
import { claim } from './schedule';

// Job layout (i32 words), written by src/kernels/tensor-format.ts.
const PHASE = 0;
const START = 1;
const END = 2;
const INPUT = 3;
const OUTPUT = 4;
const SCALES = 5;
const AXIS = 6;
const INNER = 7;
const BLOCK = 8;
const OUTER_STRIDE = 9;
const BLOCK_STRIDE = 10;
const INNER_STRIDE = 11;
const GROUPS = 12;
const RULE = 13;
const MARGIN = 14;
const MAX_EXPONENT = 15;
/** float32 bits of the element range's ends, and of binary's scale. */
const LOW = 16;
const HIGH = 17;
const ELEMENT = 18;
const SCRATCH = 19;
const SCRATCH_STRIDE = 20;
/** float64 at these byte offsets: the element's max, 2^margin. */
const ELEMENT_MAX = 128;
const FACTOR = 136;
/** The element format's job (quantize.ts or fixed.ts layout), copied per thread. */
const ELEMENT_JOB = 512;
const ELEMENT_JOB_BYTES = 256;

const PHASE_AMAX = 0;
const PHASE_SCALES = 1;
const RULE_POWER_OF_TWO = 0;
const RULE_E8M0 = 1;
const RULE_REAL = 2;
const ELEMENT_FLOAT = 0;
const ELEMENT_FIXED = 1;
/** Values (or groups) per unit of work, and per chunk of the quantize phase. */
const UNIT = 1 << 14;
const CHUNK = 1024;
/**
 * Per-thread scratch: the element job copy (first 1 KiB; kernels use < 160 bytes), the element
 * kernels' pinned constants (second KiB), the chunk buffer, the chunk's segment list (at most one
 * segment per value, 12 bytes each).
 */
const LOCAL_BUFFER = 2048;
const LOCAL_SEGMENTS = LOCAL_BUFFER + CHUNK * 4;
const NAN = 0x7fc00000;

@inline function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

/**
 * Lists the segments of values [start, end) at `list` as (end, first group, step) triples and
 * returns their count: one division-based setup, then increments (a division per segment cost
 * more than the rounding of a block of 32 values).
 */
function segments(job: usize, start: i32, end: i32, list: usize): i32 {
  const axis = word(job, AXIS);
  const inner = word(job, INNER);
  const block = word(job, BLOCK);
  const outerStride = word(job, OUTER_STRIDE);
  const blockStride = word(job, BLOCK_STRIDE);
  let count = 0;
  let i = start;
  if (inner == 1) {
    // Lines along the axis are contiguous: blocks of `block` values, or one group per value.
    let o = i / axis;
    let lineStart = o * axis;
    let b = (i - lineStart) / block;
    while (i < end) {
      const lineEnd = lineStart + axis;
      const blockEnd = block == 1 ? lineEnd : min(lineStart + (b + 1) * block, lineEnd);
      const last = min(blockEnd, end);
      record(list, count++, last, o * outerStride + (block == 1 ? i - lineStart : b) * blockStride, block == 1 ? 1 : 0);
      i = last;
      if (i == lineEnd) {
        o++;
        lineStart = lineEnd;
        b = 0;
      } else if (i == blockEnd) {
        b++;
      }
    }
  } else {
    // The inner run of one (o, j): one group (innerStride 0) or consecutive groups (1).
    const step = word(job, INNER_STRIDE);
    let line = i / inner;
    let o = line / axis;
    let j = line - o * axis;
    let b = j / block;
    let inBlock = j - b * block;
    let r = i - line * inner;
    while (i < end) {
      const last = min((line + 1) * inner, end);
      record(list, count++, last, o * outerStride + b * blockStride + r * step, step);
      i = last;
      line++;
      r = 0;
      if (++j == axis) {
        j = 0;
        o++;
        b = 0;
        inBlock = 0;
      } else if (++inBlock == block) {
        b++;
        inBlock = 0;
      }
    }
  }
  return count;
}

@inline function record(list: usize, index: i32, last: i32, group: i32, step: i32): void {
  const at = list + <usize>index * 12;
  store<i32>(at, last);
  store<i32>(at, group, 4);
  store<i32>(at, step, 8);
}

/** amax[g] = max(amax[g], value): magnitudes' bits order like the magnitudes (a NaN's above Inf's). */
@inline function atomicMax(address: usize, value: i32): void {
  let current = atomic.load<i32>(address);
  while (value > current) {
    const seen = atomic.cmpxchg<i32>(address, current, value);
    if (seen == current) return;
    current = seen;
  }
}

function amaxSegment(input: usize, scales: usize, i: i32, last: i32, group: i32, step: i32): void {
  if (step != 0) {
    for (let t = i; t < last; t++) atomicMax(scales + (<usize>(group + t - i) << 2), load<i32>(input + (<usize>t << 2)) & 0x7fffffff);
    return;
  }
  let largest = i32x4.splat(0);
  let t = i;
  for (; t + 4 <= last; t += 4) largest = i32x4.max_s(largest, v128.and(v128.load(input + (<usize>t << 2)), i32x4.splat(0x7fffffff)));
  let value = max(max(i32x4.extract_lane(largest, 0), i32x4.extract_lane(largest, 1)), max(i32x4.extract_lane(largest, 2), i32x4.extract_lane(largest, 3)));
  for (; t < last; t++) value = max(value, load<i32>(input + (<usize>t << 2)) & 0x7fffffff);
  atomicMax(scales + (<usize>group << 2), value);
}

@inline function powerOfTwo(exponent: i32): f64 {
  return reinterpret<f64>(<i64>(exponent + 1023) << 52);
}

/** formats' scaleChooser (scaled/scale-rule.ts) in float64, operation for operation. */
function chooseScale(job: usize, amax: f64): f32 {
  if (!isFinite(amax)) return reinterpret<f32>(NAN);
  const rule = word(job, RULE);
  const elementMax = load<f64>(job + ELEMENT_MAX);
  if (rule == RULE_REAL) {
    if (amax == 0) return 1;
    const scale = <f32>((amax * load<f64>(job + FACTOR)) / elementMax);
    if (scale == Infinity) return reinterpret<f32>(NAN);
    return scale == 0 ? reinterpret<f32>(1) : scale;
  }
  if (amax == 0) return rule == RULE_E8M0 ? reinterpret<f32>(0x00400000) : 1;
  let exponent = <i32>((reinterpret<i64>(amax) >>> 52) & 0x7ff) - 1023 - word(job, MAX_EXPONENT);
  if (rule == RULE_POWER_OF_TWO && !(amax <= elementMax * powerOfTwo(exponent))) exponent++;
  exponent += word(job, MARGIN);
  if (exponent > 127) return reinterpret<f32>(NAN);
  return <f32>powerOfTwo(max(exponent, -127));
}

@inline function clamp(value: v128, low: v128, high: v128): v128 {
  // pmin/pmax are single instructions; no NaN or signed-zero subtlety can reach them here.
  return f32x4.pmax(f32x4.pmin(value, high), low);
}

/**
 * v = clamp(x / s) into the buffer; 0 for a NaN scale. With power-of-two scales (all but the 'real'
 * rule) x / s is x times the exact inverse, a multiplication rather than a division.
 */
function scaleSegment(input: usize, buffer: usize, scales: usize, i: i32, last: i32, group: i32, step: i32, low: v128, high: v128, powerOfTwo: bool): void {
  let t = i;
  if (step == 0) {
    const scale = load<f32>(scales + (<usize>group << 2));
    const keep = i32x4.splat(scale == scale ? -1 : 0);
    if (powerOfTwo) {
      const inverse = f32x4.splat(1 / scale);
      for (; t + 4 <= last; t += 4) v128.store(buffer + (<usize>t << 2), v128.and(clamp(f32x4.mul(v128.load(input + (<usize>t << 2)), inverse), low, high), keep));
    } else {
      const divisor = f32x4.splat(scale);
      for (; t + 4 <= last; t += 4) v128.store(buffer + (<usize>t << 2), v128.and(clamp(f32x4.div(v128.load(input + (<usize>t << 2)), divisor), low, high), keep));
    }
  } else {
    for (; t + 4 <= last; t += 4) {
      const scale = v128.load(scales + (<usize>(group + t - i) << 2));
      v128.store(buffer + (<usize>t << 2), v128.and(clamp(f32x4.div(v128.load(input + (<usize>t << 2)), scale), low, high), f32x4.eq(scale, scale)));
    }
  }
  for (; t < last; t++) {
    const scale = load<f32>(scales + (<usize>(group + (t - i) * step) << 2));
    const v = f32x4.extract_lane(clamp(f32x4.splat(load<f32>(input + (<usize>t << 2)) / scale), low, high), 0);
    store<f32>(buffer + (<usize>t << 2), scale == scale ? v : 0);
  }
}

/** result = q · s, NaN for a NaN scale. */
function unscaleSegment(buffer: usize, output: usize, scales: usize, i: i32, last: i32, group: i32, step: i32): void {
  let t = i;
  for (; t + 4 <= last; t += 4) {
    const scale = step == 0 ? v128.load32_splat(scales + (<usize>group << 2)) : v128.load(scales + (<usize>(group + t - i) << 2));
    const product = f32x4.mul(v128.load(buffer + (<usize>t << 2)), scale);
    v128.store(output + (<usize>t << 2), v128.bitselect(product, i32x4.splat(NAN), f32x4.eq(scale, scale)));
  }
  for (; t < last; t++) {
    const scale = load<f32>(scales + (<usize>(group + (t - i) * step) << 2));
    store<i32>(output + (<usize>t << 2), scale == scale ? reinterpret<i32>(load<f32>(buffer + (<usize>t << 2)) * scale) : NAN);
  }
}

/** binary elements: v < 0 ? -scale : scale (v is never NaN here: NaN groups hold 0). */
function binarize(buffer: usize, start: i32, end: i32, scale: f32): void {
  for (let t = start; t < end; t++) store<f32>(buffer + (<usize>t << 2), load<f32>(buffer + (<usize>t << 2)) < 0 ? -scale : scale);
}

/** Values [start, end) through the three steps, chunk by chunk (the chunk stays in L1). */
function quantizeChunk(job: usize, local: usize, first: i32, last: i32, list: usize, count: i32): void {
  const input = <usize>word(job, INPUT);
  const output = <usize>word(job, OUTPUT);
  const scales = <usize>word(job, SCALES);
  const low = v128.load32_splat(job + (<usize>LOW << 2));
  const high = v128.load32_splat(job + (<usize>HIGH << 2));
  const powerOfTwo = word(job, RULE) != RULE_REAL;
  // The buffer is addressed by absolute value index: value t at buffer + 4 t (wraps modulo 2^32).
  const buffer = local + LOCAL_BUFFER - (<usize>first << 2);
  for (let s = 0, i = first; s < count; i = load<i32>(list + <usize>s * 12), s++) {
    const at = list + <usize>s * 12;
    scaleSegment(input, buffer, scales, i, load<i32>(at), load<i32>(at, 4), load<i32>(at, 8), low, high, powerOfTwo);
  }
  store<i32>(local + 4, <i32>buffer);
  store<i32>(local + 8, <i32>buffer);
  const element = word(job, ELEMENT);
  if (element == ELEMENT_FLOAT) quantizeUnit(local, 0, first, last);
  else if (element == ELEMENT_FIXED) quantizeFixedUnit(local, first, last);
  else binarize(buffer, first, last, reinterpret<f32>(word(job, HIGH)));
  for (let s = 0, i = first; s < count; i = load<i32>(list + <usize>s * 12), s++) {
    const at = list + <usize>s * 12;
    unscaleSegment(buffer, output, scales, i, load<i32>(at), load<i32>(at, 4), load<i32>(at, 8));
  }
}

/** Thread entry: units of UNIT values (or groups, for the scales phase) of the running phase. */
export function tensorFormatTask(job: usize, part: i32, parts: i32): void {
  const phase = word(job, PHASE);
  const start = word(job, START);
  const count = (phase == PHASE_SCALES ? word(job, GROUPS) : word(job, END)) - start;
  const units = (count + UNIT - 1) / UNIT;
  const local = <usize>word(job, SCRATCH) + <usize>part * <usize>word(job, SCRATCH_STRIDE);
  const scales = <usize>word(job, SCALES);
  // Element jobs keep INPUT at word 1 and OUTPUT at word 2 (set per chunk); the rest is copied.
  memory.copy(local, job + ELEMENT_JOB, ELEMENT_JOB_BYTES);
  const list = local + LOCAL_SEGMENTS;
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    const first = start + unit * UNIT;
    const last = min(start + count, first + UNIT);
    if (phase == PHASE_SCALES) {
      for (let g = first; g < last; g++) store<f32>(scales + (<usize>g << 2), chooseScale(job, <f64>load<f32>(scales + (<usize>g << 2))));
      continue;
    }
    for (let chunk = first; chunk < last; chunk += CHUNK) {
      const chunkEnd = min(last, chunk + CHUNK);
      const segmentCount = segments(job, chunk, chunkEnd, list);
      if (phase == PHASE_AMAX) {
        for (let s = 0, i = chunk; s < segmentCount; i = load<i32>(list + <usize>s * 12), s++) {
          const at = list + <usize>s * 12;
          amaxSegment(<usize>word(job, INPUT), scales, i, load<i32>(at), load<i32>(at, 4), load<i32>(at, 8));
        }
      } else {
        quantizeChunk(job, local, chunk, chunkEnd, list, segmentCount);
      }
    }
  }
}
