/**
 * Range statistics of quantizing a tensor into an element format: how many values stay exact, are
 * rounded, flush to zero, overflow, or land on target subnormals, plus max |x| and a histogram of
 * binary exponents. Meant to stay on during training (the per-step report of DESIGN.md), so it is one
 * pass over the values, quantizing in chunks: memory does not grow with the tensor unless the caller
 * asks for the quantized values in `out`.
 */
import { FormatSpecError, QuantizeOptionsError, RangeAnalysisError } from '../errors.js';
import { resolveOptions } from '../options.js';
import type { ElementFormat, QuantizeOptions } from '../types.js';

export interface AnalyzeOptions extends Omit<QuantizeOptions, 'out'> {
  /** Also keep the quantized values here (same length; may be the values themselves): quantize and report in one pass. */
  out?: Float32Array;
  /** Values quantized per call (default 4096): the size of the scratch memory. */
  chunkLength?: number;
}

/**
 * Counts per input value. nanInputs + exact + rounded + flushedToZero + overflowed = count; the
 * other counts are subsets or further detail.
 */
export interface RangeCounts {
  /** NaN inputs (the result is NaN; they are in no other class). */
  nanInputs: number;
  /** Left unchanged by quantize (numerically: -0 -> +0 counts as exact; zero inputs are exact). */
  exact: number;
  /** Inside [range.min, range.max], changed, and not to zero. */
  rounded: number;
  /** Nonzero inputs inside the range whose result is zero (underflow). */
  flushedToZero: number;
  /** Inputs outside [range.min, range.max], ±Inf included: saturated + becameSpecial. */
  overflowed: number;
  /** Overflowed to a finite value: ±max when saturating (the wrapped value for fixed point 'wrap'). */
  saturated: number;
  /** Overflowed to ±Inf or NaN. */
  becameSpecial: number;
  /** Results strictly between 0 and the smallest normal (float formats with subnormals). */
  subnormal: number;
  /** Inputs ±0 (a subset of exact, or of overflowed for formats without zero). */
  zeroInputs: number;
  /** Inputs ±Inf (a subset of overflowed). */
  infiniteInputs: number;
}

/** floor(log2 |x|) of the finite nonzero inputs: counts[k] have exponent minExponent + k. */
export interface ExponentHistogram {
  /** Exponent of counts[0]; 0 when there is no finite nonzero input (counts is then empty). */
  minExponent: number;
  counts: number[];
}

export interface RangeReport {
  /** Canonical name of the format analysed. */
  formatName: string;
  /** Number of values. */
  count: number;
  counts: RangeCounts;
  /** Each count divided by `count` (0 for an empty tensor). */
  fractions: RangeCounts;
  /** Largest |x| over the non-NaN inputs (Infinity if any is infinite, 0 for none). */
  maxAbs: number;
  exponentHistogram: ExponentHistogram;
}

const DEFAULT_CHUNK = 4096;
const MAX_CHUNK = 1 << 24;

/** Analyses quantizing `values` into `format` with the given rounding options. */
export function analyze(values: Float32Array, format: ElementFormat, options: AnalyzeOptions = {}): RangeReport {
  checkInputs(values, format, options);
  const { out, chunkLength = DEFAULT_CHUNK, ...quantizeOptions } = options;
  const offset = quantizeOptions.offset ?? 0;
  const accumulator = new Accumulator(format);
  const scratch = new Float32Array(Math.min(chunkLength, values.length));
  for (let start = 0; start < values.length; start += chunkLength) {
    const end = Math.min(start + chunkLength, values.length);
    const input = values.subarray(start, end);
    // offset + start keeps stochastic rounding identical to one call on the whole array.
    const quantized = format.quantize(input, { ...quantizeOptions, offset: offset + start, out: scratch.subarray(0, end - start) });
    accumulator.add(input, quantized);
    // Copied after counting: `out` may be `values` itself.
    out?.set(quantized, start);
  }
  return accumulator.report(values.length);
}

function checkInputs(values: Float32Array, format: ElementFormat, options: AnalyzeOptions): void {
  if (!(values instanceof Float32Array)) {
    throw new QuantizeOptionsError('values', Object.prototype.toString.call(values), 'a Float32Array');
  }
  if (typeof format !== 'object' || format === null || typeof format.quantize !== 'function' || typeof format.range?.max !== 'number') {
    throw new FormatSpecError('format', format, 'an element format (floatFormat, fixedPointFormat, binaryFormat, parseFormat)',
      'tensor formats (scaled, MX) share scales: analyze their element format on the scaled values');
  }
  resolveOptions(options); // rounding, seed, offset, randomBits: checked even when there is nothing to quantize
  const { chunkLength, out } = options;
  if (chunkLength !== undefined && !(Number.isInteger(chunkLength) && chunkLength >= 1 && chunkLength <= MAX_CHUNK)) {
    throw new RangeAnalysisError('chunkLength', chunkLength, `an integer 1..${MAX_CHUNK}`);
  }
  if (out !== undefined && !(out instanceof Float32Array && out.length === values.length)) {
    throw new RangeAnalysisError('out', out instanceof Float32Array ? `Float32Array(${out.length})` : out, `a Float32Array of the values' length ${values.length}`);
  }
}

/*
 * Per element, a 6-bit class code goes to a class histogram; the counts are read off it per chunk.
 * Bits of the code:
 */
const NAN_INPUT = 1;
const OUTSIDE = 2; // x outside [range.min, range.max]
const UNCHANGED = 4; // same bits, or both zeros (fnuz turns -0 into +0)
const ZERO_RESULT = 8;
const SPECIAL_RESULT = 16; // ±Inf or NaN
const SUBNORMAL_RESULT = 32;
/**
 * One Int32Array holds both per-chunk histograms (fewer typed arrays touched per element: each
 * access pays a detach check in processes that have transferred an ArrayBuffer): 64 class codes,
 * then 256 exponent fields, each in 4 lanes (element i counts in lane i & 3), because a run of equal
 * values would otherwise increment one memory cell back to back, each waiting for the last.
 */
const LANES = 4;
const FIELDS_AT = 64 * LANES;

/** Running counts over chunks; all per-element work is in `countChunk`. */
class Accumulator {
  private readonly counts: RangeCounts = {
    nanInputs: 0, exact: 0, rounded: 0, flushedToZero: 0, overflowed: 0, saturated: 0, becameSpecial: 0, subnormal: 0, zeroInputs: 0, infiniteInputs: 0,
  };
  private readonly histograms = new Int32Array(FIELDS_AT + 256 * LANES);
  /** Inputs per float32 exponent field: 1..254 hold exponent field - 127; 0 zeros and subnormals; 255 Inf and NaN. */
  private readonly fieldTotals = new Float64Array(256);
  /** float32 subnormal inputs by the position of their leading one (exponent = position - 149). */
  private readonly subnormalInputExponents = new Float64Array(23);
  private maxAbsBits = 0;
  private readonly formatName: string;
  /** Range ends as ordered keys (see orderedKey): x is inside iff lowKey <= key(x) <= highKey. */
  private readonly lowKey: number;
  private readonly highKey: number;
  /** Results with bits 1..subnormalLimit (|q| below the smallest normal) are target subnormals. */
  private readonly subnormalLimit: number;

  constructor(format: ElementFormat) {
    this.formatName = format.name;
    const { min, max } = format.range;
    // The float32 values inside [min, max]: round the ends inward; min 0 also admits -0.
    const lowFloat = Math.fround(min) < min ? nextUp(Math.fround(min)) : Math.fround(min);
    const highFloat = Math.fround(max) > max ? nextDown(Math.fround(max)) : Math.fround(max);
    this.lowKey = lowFloat === 0 ? orderedKey(float32Bits(-0)) : orderedKey(float32Bits(lowFloat));
    this.highKey = orderedKey(float32Bits(highFloat));
    const hasSubnormals = format.spec.kind === 'float' && format.spec.subnormals;
    this.subnormalLimit = hasSubnormals ? float32Bits(format.range.smallestNormal) - 1 : 0;
  }

  add(input: Float32Array, quantized: Float32Array): void {
    const inputBits = new Int32Array(input.buffer, input.byteOffset, input.length);
    const quantizedBits = new Int32Array(quantized.buffer, quantized.byteOffset, quantized.length);
    const { histograms, counts } = this;
    const maxBits = countChunk(inputBits, quantizedBits, histograms, this.subnormalInputExponents, this.lowKey, this.highKey, this.subnormalLimit);
    this.maxAbsBits = Math.max(this.maxAbsBits, maxBits);
    for (let code = 0; code < 64; code++) {
      let count = 0;
      for (let lane = 0; lane < LANES; lane++) count += histograms[code + 64 * lane];
      if (count === 0) continue;
      if (code & NAN_INPUT) counts.nanInputs += count;
      else if (code & OUTSIDE) {
        counts.overflowed += count;
        if (code & SPECIAL_RESULT) counts.becameSpecial += count;
        else counts.saturated += count;
      } else if (code & UNCHANGED) counts.exact += count;
      else if (code & ZERO_RESULT) counts.flushedToZero += count;
      else counts.rounded += count;
      if (code & SUBNORMAL_RESULT) counts.subnormal += count;
    }
    for (let field = 0; field < 256; field++) {
      for (let lane = 0; lane < LANES; lane++) this.fieldTotals[field] += histograms[FIELDS_AT + field + 256 * lane];
    }
    histograms.fill(0);
  }

  report(count: number): RangeReport {
    const subnormalInputs = this.subnormalInputExponents.reduce((sum, value) => sum + value, 0);
    const counts = {
      ...this.counts,
      zeroInputs: this.fieldTotals[0] - subnormalInputs,
      infiniteInputs: this.fieldTotals[255] - this.counts.nanInputs,
    };
    const fractions = { ...counts };
    for (const key of Object.keys(fractions) as (keyof RangeCounts)[]) fractions[key] = count === 0 ? 0 : counts[key] / count;
    return { formatName: this.formatName, count, counts, fractions, maxAbs: float32FromBits(this.maxAbsBits), exponentHistogram: this.histogram() };
  }

  /** floor(log2 |x|) from -149 to 127: float32 subnormals by their leading one, then the exponent fields. */
  private histogram(): ExponentHistogram {
    const bins = [...this.subnormalInputExponents, ...this.fieldTotals.subarray(1, 255)];
    const first = bins.findIndex((value) => value > 0);
    if (first < 0) return { minExponent: 0, counts: [] };
    let last = bins.length - 1;
    while (bins[last] === 0) last--;
    return { minExponent: first - 149, counts: bins.slice(first, last + 1) };
  }
}

const scratchFloat = new Float32Array(1);
const scratchBits = new Int32Array(scratchFloat.buffer);

function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0];
}

function float32FromBits(bits: number): number {
  scratchBits[0] = bits;
  return scratchFloat[0];
}

/** Neighbouring float32 values of a finite float32 (not crossing zero in a way that matters here). */
function nextUp(value: number): number {
  return value >= 0 ? float32FromBits(float32Bits(value) + 1) : float32FromBits(float32Bits(value) - 1);
}

function nextDown(value: number): number {
  return value > 0 ? float32FromBits(float32Bits(value) - 1) : float32FromBits(float32Bits(value) + 1);
}

/**
 * An int32 whose order is the numeric order of float32 values (bits of a non-NaN float32): negative
 * values have their magnitude bits flipped. -0 comes just below +0.
 */
function orderedKey(bits: number): number {
  return bits ^ ((bits >> 31) & 0x7fffffff);
}

/**
 * The per-element work of one chunk, branch-free on integer bit patterns (data-dependent branches
 * mispredicted; this ran ~2.5x faster than one counter per class with branches). The rare cases (a
 * new max, float32 subnormal inputs) are the only branches. Returns the bits of the chunk's max |x|
 * (NaN excluded).
 */
function countChunk(inputBits: Int32Array, quantizedBits: Int32Array, histograms: Int32Array, subnormalInputExponents: Float64Array, lowKey: number,
  highKey: number, subnormalLimit: number): number {
  let maxBits = 0;
  for (let i = 0; i < inputBits.length; i++) {
    const xb = inputBits[i];
    const qb = quantizedBits[i];
    const xa = xb & 0x7fffffff;
    const qa = qb & 0x7fffffff;
    const isNaN = (0x7f800000 - xa) >>> 31;
    const key = xb ^ ((xb >> 31) & 0x7fffffff); // orderedKey, inlined
    const code =
      isNaN |
      ((+(key > highKey) | +(key < lowKey)) << 1) |
      ((+(xb === qb) | +((xa | qa) === 0)) << 2) |
      (+(qa === 0) << 3) |
      (((0x7f7fffff - qa) >>> 31) << 4) |
      (+((qa - 1) >>> 0 < subnormalLimit) << 5);
    const lane = i & (LANES - 1);
    histograms[code | (lane << 6)]++;
    histograms[FIELDS_AT + ((xa >>> 23) | (lane << 8))]++;
    if (xa > maxBits && isNaN === 0) maxBits = xa;
    if (xa !== 0 && xa < 0x00800000) subnormalInputExponents[31 - Math.clz32(xa)]++;
  }
  return maxBits;
}
