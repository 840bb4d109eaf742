/**
 * The job words of the element quantize kernels (assembly/quantize.ts for floats, e8m0 included;
 * assembly/fixed.ts for fixed point), shared by element formats (./quantize.ts) and the elements of
 * tensor formats (./tensor-format.ts).
 *
 * The float kernel needs formats' "plan" (packages/formats/src/float/plan.ts), which that package
 * does not export: it is recomputed here from the public spec and range, word for word, and the
 * exhaustive tests (quantize.test.ts) check the results against format.quantize. Likewise the
 * stream keys of the counter-based generator (formats' src/random.ts, checked against
 * randomUint32).
 */
import { fixedPointFormat, forEachRandomRun, type ElementFormat, type FixedPointSpec, type FloatSpec, type Rounding } from '@lowbit/formats';
import type { Heap } from '../memory.js';

const ROUNDING_CODE: Record<Rounding, number> = {
  'nearest-even': 0,
  'nearest-away': 1,
  'toward-zero': 2,
  'toward-positive': 3,
  'toward-negative': 4,
  odd: 5,
  stochastic: 6,
};

// Magnitude modes per sign (formats' MODE_BY_SIGN): nearest-even 0, away 1, down 2, up 3, odd 4, stochastic 5.
const MODES: Record<Rounding, [positive: number, negative: number]> = {
  'nearest-even': [0, 0],
  'nearest-away': [1, 1],
  'toward-zero': [2, 2],
  'toward-positive': [3, 2],
  'toward-negative': [2, 3],
  odd: [4, 4],
  stochastic: [5, 5],
};
const DOWN = 2;
const ODD = 4;
const INFINITY_BITS = 0x7f800000;
const NAN_BITS = 0x7fc00000;
const SIGN_BIT = 0x80000000;

const scratchFloat = new Float32Array(1);
const scratchBits = new Int32Array(scratchFloat.buffer);

function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0];
}

function pow2Bits(exponent: number): number {
  if (exponent >= -126) return (exponent + 127) << 23;
  if (exponent >= -149) return 1 << (exponent + 149);
  return 0;
}

/** The words of the float job from word 3 on (assembly/quantize.ts), for one format and rounding. */
export function floatPlanWords(spec: FloatSpec, max: number, rounding: Rounding, randomBits: number): number[] {
  const minExponent = spec.specials === 'e8m0' ? -spec.bias : 1 - spec.bias;
  const mantissaBits = spec.mantissaBits;
  const maxBits = float32Bits(max);
  const lowQuantum = spec.subnormals ? minExponent - mantissaBits : minExponent;
  const overflowValue = spec.overflow === 'nan' ? NAN_BITS : INFINITY_BITS;
  const overflowFor = (sign: number, mode: number) =>
    (spec.overflow === 'saturate' || mode === DOWN || mode === ODD ? maxBits : overflowValue) | sign;
  const infinityFor = (sign: number) =>
    spec.overflow === 'infinity' ? INFINITY_BITS | sign : spec.overflow === 'nan' ? NAN_BITS : maxBits | sign;
  const [positiveMode, negativeMode] = MODES[rounding];
  const maxExponent = Math.floor(Math.log2(max));
  // The fraction of a value below 2^lowQuantum in 0.32 fixed point: times 2^(32 - lowQuantum), in
  // two float32 factors that stay in range (only used when lowQuantum > -126).
  const tinyShift = 32 - Math.max(lowQuantum, -125);
  const tinyFirst = Math.trunc(tinyShift / 2);
  return [
    ROUNDING_CODE[rounding],
    positiveMode,
    negativeMode,
    23 - mantissaBits,
    minExponent + 127,
    lowQuantum + 150,
    maxBits,
    overflowFor(0, positiveMode),
    overflowFor(SIGN_BIT, negativeMode),
    infinityFor(0),
    infinityFor(SIGN_BIT),
    spec.specials !== 'fnuz' ? 1 : 0,
    pow2Bits(lowQuantum),
    pow2Bits(lowQuantum - 1),
    randomBits,
    0, // first (per run)
    0, // second (per run)
    0, // counter base (per run)
    // The SIMD path needs at least one bit to drop and a minimum exponent float32 can hold.
    mantissaBits >= 23 || minExponent < -126 ? 1 : 0,
    lowQuantum,
    minExponent,
    mantissaBits,
    Math.max(pow2Bits(minExponent), 0x00800000),
    float32Bits(2 ** tinyFirst),
    float32Bits(2 ** (tinyShift - tinyFirst)),
    spec.subnormals ? 1 : 0,
    ...splitPowerOfTwo(-lowQuantum),
    ...splitPowerOfTwo(lowQuantum),
    // Magic add: every C = 2^(spacing exponent + 23) finite up to the largest binade.
    maxExponent + 24 - mantissaBits <= 127 && mantissaBits <= 22 && minExponent >= -126 ? 1 : 0,
    maxExponent + 1 <= 127 ? pow2Bits(maxExponent + 1) : INFINITY_BITS,
    spec.specials === 'e8m0' ? 1 : 0,
    // e8m0's result for zero and negative inputs (formats' nonPositiveBits).
    spec.overflow === 'saturate' ? pow2Bits(minExponent) : NAN_BITS,
  ];
}

const nanResults = new Map<string, number>();

/**
 * What formats' fixed point JavaScript gives for a NaN input: a NaN whose sign and payload come
 * from the engine's float64 operations (V8 on x64: 0xffc00000 for most saturating roundings,
 * 0x7fc00000 where a sign is multiplied in, and JavaScript's NaN constant when wrapping). It does
 * not depend on the input NaN or the format, so it is asked once per rounding and overflow mode
 * and the wasm kernel writes it for every NaN lane.
 */
function fixedNaNResult(rounding: Rounding, overflow: FixedPointSpec['overflow']): number {
  const key = `${rounding} ${overflow}`;
  let bits = nanResults.get(key);
  if (bits === undefined) {
    const result = fixedPointFormat({ wordBits: 8, fractionBits: 0, overflow }).quantize(Float32Array.of(NaN, NaN), { rounding });
    bits = new Int32Array(result.buffer)[0];
    nanResults.set(key, bits);
  }
  return bits;
}

/**
 * 2^exponent as the float32 bits of two factors whose product is exact and whose first partial
 * product stays normal (multiply by the first factor first).
 */
function splitPowerOfTwo(exponent: number): [first: number, second: number] {
  const first = exponent >= 0 ? Math.ceil(exponent / 2) : -Math.floor(-exponent / 2);
  return [float32Bits(2 ** first), float32Bits(2 ** (exponent - first))];
}

/** Counters of one run: element i of the job uses counterBase + i (mod 2^32) under the key (first, second). */
export interface RandomRun {
  first: number;
  second: number;
  counterBase: number;
}

/**
 * Visits the runs of counters that share a stream key (almost always one: the key changes only
 * where offset + i crosses a multiple of 2^32), like formats' forEachRandomRun. Element i of the
 * whole tensor uses counter offset + i; the run's counterBase is the counter of its start.
 */
export function forEachRun(seed: number, offset: number, length: number, visit: (start: number, end: number, run: RandomRun) => void): void {
  forEachRandomRun(seed, offset, length, (start, end, first, second, low) => visit(start, end, { first, second, counterBase: low | 0 }));
}

/** An element format's kernel and the writer of its job block. */
export interface ElementJob {
  readonly task: 'quantizeFloatTask' | 'quantizeFixedTask';
  /** assembly/tensor-format.ts ELEMENT_FLOAT or ELEMENT_FIXED. */
  readonly kind: number;
  /** Writes the job at byte address `job` for `count` values from `input` to `output`. */
  write(heap: Heap, job: number, count: number, input: number, output: number, run: RandomRun): void;
}

export interface RoundingOptions {
  rounding: Rounding;
  randomBits: number;
}

/** The job of a float format (e8m0 included) or a fixed point format (saturating or wrapping). */
export function elementJob(format: ElementFormat, { rounding, randomBits }: RoundingOptions): ElementJob | undefined {
  const spec = format.spec;
  if (spec.kind === 'float') {
    const words = floatPlanWords(spec, format.range.max, rounding, randomBits);
    return {
      task: 'quantizeFloatTask',
      kind: 0,
      write: (heap, job, count, input, output, { first, second, counterBase }) => {
        words[18 - 3] = first;
        words[19 - 3] = second;
        words[20 - 3] = counterBase;
        heap.i32.set([count, input, output, ...words], job / 4);
      },
    };
  }
  if (spec.kind !== 'fixed') return undefined;
  const low = spec.signed ? -(2 ** (spec.wordBits - 1)) : 0;
  const high = spec.signed ? 2 ** (spec.wordBits - 1) - 1 : 2 ** spec.wordBits - 1;
  const values = Float64Array.of(2 ** spec.fractionBits, 2 ** -spec.fractionBits, low, high);
  const nan = fixedNaNResult(rounding, spec.overflow);
  const wrap = spec.overflow === 'wrap' ? 1 : 0;
  return {
    task: 'quantizeFixedTask',
    kind: 1,
    write: (heap, job, count, input, output, { first, second, counterBase }) => {
      heap.i32.set([count, input, output, ROUNDING_CODE[rounding], randomBits, first, second, counterBase, nan, wrap, spec.signed ? 1 : 0, 32 - spec.wordBits], job / 4);
      new Float64Array(heap.memory.buffer, job + 64, 4).set(values);
    },
  };
}
