/**
 * The loops of scaled formats: largest magnitude per group, values divided by their group's scale
 * and saturated to the element range, element values multiplied back. The element rounding itself
 * is one call of the element format over the whole tensor, so stochastic rounding sees exactly the
 * counters offset + i it would see on the unscaled tensor.
 *
 * Each loop is a top-level function of one run (./layout.ts) with everything it reads passed as
 * arguments: the closures handed to forEachRun only forward, so the hot loop reads locals rather
 * than closure context, and runs block by block with the group's scale in a local.
 */
import { forEachRun, type Grouping } from './layout.js';

/**
 * Largest |x| per group, as float32 values. The maximum is taken on magnitude bit patterns:
 * they order like the magnitudes, and a NaN's bits exceed Inf's, so a NaN wins without a test.
 */
export function groupAmax(values: Float32Array, grouping: Grouping): Float32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const amax = new Uint32Array(grouping.groupCount);
  forEachRun(grouping, (start, count, group, every, step) => amaxRun(bits, amax, start, start + count, group, every, step));
  return new Float32Array(amax.buffer);
}

function amaxRun(bits: Uint32Array, amax: Uint32Array, start: number, end: number, group: number, every: number, step: number): void {
  for (let blockStart = start, g = group; blockStart < end; blockStart += every, g += step) {
    const blockEnd = Math.min(blockStart + every, end);
    let largest = amax[g];
    for (let i = blockStart; i < blockEnd; i++) {
      const magnitude = bits[i] & 0x7fffffff;
      largest = magnitude > largest ? magnitude : largest;
    }
    amax[g] = largest;
  }
}

/** One scale per group from its largest magnitude. */
export function chooseScales(values: Float32Array, grouping: Grouping, choose: (amax: number) => number): Float32Array {
  const scales = groupAmax(values, grouping);
  for (let g = 0; g < scales.length; g++) scales[g] = choose(scales[g]);
  return scales;
}

export interface ElementBounds {
  /** Smallest and largest finite element value: scaled values beyond them saturate. */
  low: number;
  high: number;
  /** Scales are powers of two: multiply by the exact inverse instead of dividing. */
  powerOfTwo: boolean;
}

/**
 * target[i] = values[i] / scale of its group, saturated to [low, high]. A group with a NaN scale
 * gets 0 (it decodes NaN through its scale, and 0 has a code in every element format). ±Inf
 * (possible only with caller-given scales) is passed on for the element format to handle.
 * `target` may be `values`: each value is read before it is written.
 */
export function scaleInto(values: Float32Array, grouping: Grouping, scales: Float32Array, bounds: ElementBounds, target: Float32Array): void {
  const { low, high, powerOfTwo } = bounds;
  forEachRun(grouping, (start, count, group, every, step) =>
    scaleRun(values, target, scales, low, high, powerOfTwo, start, start + count, group, every, step),
  );
}

function scaleRun(
  values: Float32Array,
  target: Float32Array,
  scales: Float32Array,
  low: number,
  high: number,
  powerOfTwo: boolean,
  start: number,
  end: number,
  group: number,
  every: number,
  step: number,
): void {
  for (let blockStart = start, g = group; blockStart < end; blockStart += every, g += step) {
    const blockEnd = Math.min(blockStart + every, end);
    const scale = scales[g];
    if (scale !== scale) {
      target.fill(0, blockStart, blockEnd);
      continue;
    }
    if (powerOfTwo) {
      // x · 2^-k is exact in double, so multiplying by the inverse is the division.
      const inverse = 1 / scale;
      for (let i = blockStart; i < blockEnd; i++) target[i] = saturate(values[i] * inverse, low, high);
    } else {
      // One division of float32s in double, then float32 rounding on store: the correctly rounded quotient.
      for (let i = blockStart; i < blockEnd; i++) target[i] = saturate(values[i] / scale, low, high);
    }
  }
}

/** Finite values beyond the element range become its ends; ±Inf and NaN pass. */
function saturate(value: number, low: number, high: number): number {
  if (value > high) return value === Infinity ? value : high;
  if (value < low) return value === -Infinity ? value : low;
  return value;
}

/** target[i] = element value target[i] times its group's scale, rounded to float32 once. */
export function unscaleInPlace(grouping: Grouping, scales: Float32Array, target: Float32Array): void {
  forEachRun(grouping, (start, count, group, every, step) => unscaleRun(target, scales, start, start + count, group, every, step));
}

function unscaleRun(target: Float32Array, scales: Float32Array, start: number, end: number, group: number, every: number, step: number): void {
  for (let blockStart = start, g = group; blockStart < end; blockStart += every, g += step) {
    const blockEnd = Math.min(blockStart + every, end);
    const scale = scales[g];
    for (let i = blockStart; i < blockEnd; i++) target[i] *= scale;
  }
}
