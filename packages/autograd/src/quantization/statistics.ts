/**
 * Per-step statistics of one side of a quantization point, in one pass over the input and the
 * rounded values (no extra kernel, no sort), so they can stay on during training.
 *
 * With x an input value and s its scale (2^-offset for offset policies, the group's shared scale
 * for tensor formats), the format sees v = x / s:
 * - overflowed: x beyond the largest (or below the smallest) representable value, i.e. v outside
 *   [format min, format max], ±Inf included: it saturated to ±max, became Inf/NaN, or wrapped, per
 *   the format's overflow rule;
 * - flushedToZero: finite non-zero x whose result is zero;
 * - nan: NaN results (NaN inputs, overflow to NaN, and every value of a group whose shared scale
 *   is NaN because the group holds NaN or Inf);
 * - maxAbs: the largest finite |x| (before scaling);
 * - histogram (on request): counts of floor(log2 |v|) over finite non-zero values, plus zeros and
 *   non-finite values: where the values sit relative to the format's exponent range.
 * The names and the overflow/flush definitions are those of @lowbit/formats' `analyze` (which
 * analyses an element format on the host); here they are measured on the result of the backend's
 * quantize kernel, and for tensor formats per shared scale.
 */

export interface ExponentHistogram {
  /** Exponent of counts[0]: counts[i] is the number of values with floor(log2 |v|) = minExponent + i. */
  minExponent: number;
  counts: number[];
  zeros: number;
  nonFinite: number;
}

export interface SideStatistics {
  /** Number of values rounded. */
  elements: number;
  overflowed: number;
  flushedToZero: number;
  /** NaN results (not only NaN inputs). */
  nan: number;
  /** Largest finite |x| of the input (0 when there is none). */
  maxAbs: number;
  /** The exponent offset used (offset policies only): values were multiplied by 2^offset. */
  offset?: number;
  histogram?: ExponentHistogram;
}

/**
 * The range of each value, in the value domain: the largest representable value `high` (one for
 * all values, or one per value for tensor formats, NaN for a group whose scale is NaN) and the
 * smallest, low = lowRatio * high (lowRatio = format min / format max: -1 for symmetric formats,
 * 0 for unsigned fixed point). The format itself sees v = x * elementMax / high.
 */
export interface Bounds {
  high: number | Float64Array;
  lowRatio: number;
  elementMax: number;
}

export function measure(input: Float32Array, output: Float32Array, bounds: Bounds, histogram: boolean): SideStatistics {
  const { high, lowRatio, elementMax } = bounds;
  let overflowed = 0;
  let flushedToZero = 0;
  let nan = 0;
  let maxAbs = 0;
  let zeros = 0;
  let nonFinite = 0;
  const exponents = histogram ? new Map<number, number>() : undefined;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const q = output[i];
    if (q !== q) nan++;
    if (!Number.isFinite(x)) {
      nonFinite++;
      if (x === Infinity || x === -Infinity) overflowed++;
      continue;
    }
    const magnitude = Math.abs(x);
    if (magnitude > maxAbs) maxAbs = magnitude;
    if (x !== 0 && q === 0) flushedToZero++;
    const largest = typeof high === 'number' ? high : high[i];
    if (largest !== largest) continue; // the whole group is NaN: counted as nan above
    if (x > largest || x < lowRatio * largest) overflowed++;
    if (exponents !== undefined) {
      if (x === 0) zeros++;
      else {
        const exponent = floorLog2((magnitude * elementMax) / largest);
        exponents.set(exponent, (exponents.get(exponent) ?? 0) + 1);
      }
    }
  }
  const statistics: SideStatistics = { elements: input.length, overflowed, flushedToZero, nan, maxAbs };
  if (exponents !== undefined) statistics.histogram = toHistogram(exponents, zeros, nonFinite);
  return statistics;
}

function toHistogram(exponents: Map<number, number>, zeros: number, nonFinite: number): ExponentHistogram {
  if (exponents.size === 0) return { minExponent: 0, counts: [], zeros, nonFinite };
  const keys = [...exponents.keys()];
  const minExponent = Math.min(...keys);
  const counts = new Array<number>(Math.max(...keys) - minExponent + 1).fill(0);
  for (const [exponent, count] of exponents) counts[exponent - minExponent] = count;
  return { minExponent, counts, zeros, nonFinite };
}

/**
 * floor(log2 value) for a positive finite number, exact (Math.log2 can round up just below a
 * power of two).
 */
export function floorLog2(value: number): number {
  let exponent = Math.floor(Math.log2(value));
  if (2 ** exponent > value) exponent--;
  else if (2 ** (exponent + 1) <= value) exponent++;
  return exponent;
}
