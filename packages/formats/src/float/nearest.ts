/**
 * Nearest-even rounding by one float64 addition: JavaScript arithmetic is float64, and float64
 * addition rounds to nearest-even. For x in binade e, C = ±2^(q + 52) with 2^q the target's spacing
 * there (plan.nearestEvenAddends, indexed by the sign and exponent field of x) makes (x + C) - C
 * the nearest-even multiple of 2^q, subnormals (fixed q) and flushing formats (q of the smallest
 * normal) included: one table load, an add and a subtract, no branch on the data.
 *
 * The sum cancels to +0 whatever the sign of x, so the result is |(x + C) - C| with the sign of x
 * put back by a multiplication (-0 for a negative x that rounds to zero), plus `zero`: -0 changes
 * nothing, +0 turns -0 into +0 for the fnuz formats, which have no -0. Results above max, Inf and
 * NaN (and NaN addends) fail the single comparison with max: their group of eight goes to the
 * general rounding of round.ts, which handles overflow per spec.
 *
 * The loop reads both the float32 values and their bits (the same memory through two typed-array
 * views) in groups of eight: V8 checks each typed array's map once per iteration, not once per
 * element (groups of eight measured ~10 % faster than four), and all eight are read before any is
 * written, so `out` may be `values`. This replaced an integer add-and-mask loop that needed a
 * second pass for target subnormals; see the package README for the figures.
 */
import { MagnitudeMode, type FloatPlan } from './plan.js';
import { quantizeBits } from './round.js';

// Module-local copies of imported values (test loaders turn imported bindings into getter calls).
const NEAREST_EVEN = MagnitudeMode.NearestEven;
const roundGeneral = quantizeBits;

/** Elements per call of the group loop (see below). */
const CHUNK = 16384;
/** Group loops end below this index (a multiple of CHUNK and of 8, below 2^31 - 8). */
const GROUPS_LIMIT = 0x7fff0000;

/**
 * `addends` and `max` come from the plan; `zero` is -0, or +0 for fnuz. Every constant is a
 * parameter, so V8 compiles one loop for all formats.
 *
 * The groups run in calls of CHUNK elements. A single call over a long array is first interpreted,
 * then entered through on-stack replacement with code compiled before the statements after the
 * loop had ever run; that code deoptimised at the end of every later call (--trace-deopt), and the
 * benchmark measured 220-270M/s for the first format through the loop against 315-325M/s for the
 * next in the same runs. Short calls, a thousand per 16M elements, give V8 complete type feedback
 * and one stable optimised loop.
 */
export function quantizeNearestEven(plan: FloatPlan, values: Float32Array, bits: Int32Array, out: Float32Array, outBits: Int32Array,
  addends: Float64Array, max: number, zero: number): void {
  const length = values.length;
  const groupsEnd = Math.min(length - (length % 8), GROUPS_LIMIT);
  for (let start = 0; start < groupsEnd; start += CHUNK) {
    nearestEvenGroups(plan, values, bits, out, outBits, addends, max, zero, start, Math.min(start + CHUNK, groupsEnd));
  }
  for (let i = groupsEnd; i < length; i++) {
    const b = bits[i];
    const c = addends[b >>> 23];
    writeOne(plan, out, outBits, i, b, Math.abs(values[i] + c - c), max, zero);
  }
}

/**
 * Groups of eight in [start, end), both multiples of 8 below 2^31 - 8. The masks tell V8 so: it
 * then drops the int32 overflow checks on i + 1 .. i + 7 (22 per group).
 */
function nearestEvenGroups(plan: FloatPlan, values: Float32Array, bits: Int32Array, out: Float32Array, outBits: Int32Array, addends: Float64Array,
  max: number, zero: number, start: number, end: number): void {
  const first = start & 0x7ffffff8;
  const stop = end & 0x7ffffff8;
  for (let i = first; i < stop; i += 8) {
    const b0 = bits[i];
    const b1 = bits[i + 1];
    const b2 = bits[i + 2];
    const b3 = bits[i + 3];
    const b4 = bits[i + 4];
    const b5 = bits[i + 5];
    const b6 = bits[i + 6];
    const b7 = bits[i + 7];
    const c0 = addends[b0 >>> 23];
    const c1 = addends[b1 >>> 23];
    const c2 = addends[b2 >>> 23];
    const c3 = addends[b3 >>> 23];
    const c4 = addends[b4 >>> 23];
    const c5 = addends[b5 >>> 23];
    const c6 = addends[b6 >>> 23];
    const c7 = addends[b7 >>> 23];
    const m0 = Math.abs(values[i] + c0 - c0);
    const m1 = Math.abs(values[i + 1] + c1 - c1);
    const m2 = Math.abs(values[i + 2] + c2 - c2);
    const m3 = Math.abs(values[i + 3] + c3 - c3);
    const m4 = Math.abs(values[i + 4] + c4 - c4);
    const m5 = Math.abs(values[i + 5] + c5 - c5);
    const m6 = Math.abs(values[i + 6] + c6 - c6);
    const m7 = Math.abs(values[i + 7] + c7 - c7);
    if (m0 <= max && m1 <= max && m2 <= max && m3 <= max && m4 <= max && m5 <= max && m6 <= max && m7 <= max) {
      out[i] = m0 * ((b0 >> 31) | 1) + zero;
      out[i + 1] = m1 * ((b1 >> 31) | 1) + zero;
      out[i + 2] = m2 * ((b2 >> 31) | 1) + zero;
      out[i + 3] = m3 * ((b3 >> 31) | 1) + zero;
      out[i + 4] = m4 * ((b4 >> 31) | 1) + zero;
      out[i + 5] = m5 * ((b5 >> 31) | 1) + zero;
      out[i + 6] = m6 * ((b6 >> 31) | 1) + zero;
      out[i + 7] = m7 * ((b7 >> 31) | 1) + zero;
    } else {
      writeOne(plan, out, outBits, i, b0, m0, max, zero);
      writeOne(plan, out, outBits, i + 1, b1, m1, max, zero);
      writeOne(plan, out, outBits, i + 2, b2, m2, max, zero);
      writeOne(plan, out, outBits, i + 3, b3, m3, max, zero);
      writeOne(plan, out, outBits, i + 4, b4, m4, max, zero);
      writeOne(plan, out, outBits, i + 5, b5, m5, max, zero);
      writeOne(plan, out, outBits, i + 6, b6, m6, max, zero);
      writeOne(plan, out, outBits, i + 7, b7, m7, max, zero);
    }
  }
}

/** One element from its input bits `x` and rounded magnitude `m` (NaN or above max: round.ts). */
function writeOne(plan: FloatPlan, out: Float32Array, outBits: Int32Array, i: number, x: number, m: number, max: number, zero: number): void {
  if (m <= max) out[i] = m * ((x >> 31) | 1) + zero;
  else outBits[i] = roundGeneral(plan, x, NEAREST_EVEN, NEAREST_EVEN, 0, 32);
}
