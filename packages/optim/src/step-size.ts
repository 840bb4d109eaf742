/**
 * The quantization step of a weight format at each stored value, for Gavg = mean |update| / step
 * (the signal of RCT's per-layer precision controller, papers.md section 3).
 *
 * - Scaled integers and fixed point (the RCT case): the step is uniform, 2^-fractionBits times the
 *   shared scale of the value's group, so Gavg = mean |lr g| / s exactly as RCT defines it.
 * - Floats: the spacing at the value, ulp(w) = 2^(floor(log2 |w|) - mantissaBits) for normal |w|
 *   (the distance to the next larger magnitude), and the subnormal spacing 2^(1 - bias - M)
 *   below the smallest normal (the smallest normal itself without subnormals). At w = 0 that is
 *   the smallest positive value. An update of one step moves w to its neighbour.
 * - Binary: the distance between -scale and +scale, 2 scale.
 * - No format: float32's spacing.
 * Gavg is then the mean over the values of |update_i| / step_i: the update in units of the local
 * step, which for a uniform step equals mean |update| / step.
 */
import { floatFormat, type ElementFormat, type ElementSpec, type TensorFormat } from '@lowbit/formats';

const FLOAT32 = floatFormat({ exponentBits: 8, mantissaBits: 23 });

// floor(log2 |v|) read from the exponent field of v as a float64 (exact, no Math.log2 rounding
// near powers of two), and 2^k from a table: together ~20x faster than Math.log2 and **, which
// matters because Gavg runs over every weight at every step.
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: the exponent is in word 1
const POWER_OFFSET = 1100;
const POWERS_OF_TWO = Float64Array.from({ length: 2200 }, (_, k) => 2 ** (k - POWER_OFFSET));

/** floor(log2 a) for a finite a > 0, exactly. */
function floorLog2(a: number): number {
  scratch[0] = a;
  const biased = (scratchWords[HIGH_WORD] >>> 20) & 0x7ff;
  // A float64 subnormal (below 2^-1022) never occurs for float32 weights; keep it exact anyway.
  return biased !== 0 ? biased - 1023 : Math.floor(Math.log2(a));
}

/** The spacing of a float format at v, for finite v. */
function floatStep(mantissaBits: number, smallestNormal: number, belowNormal: number, v: number): number {
  const a = v < 0 ? -v : v;
  if (a < smallestNormal) return belowNormal;
  return POWERS_OF_TWO[floorLog2(a) - mantissaBits + POWER_OFFSET];
}

/** The step of an element format at the value v (NaN for non-finite v). */
export function elementStep(spec: ElementSpec, range: ElementFormat['range'], v: number): number {
  if (!Number.isFinite(v)) return NaN;
  switch (spec.kind) {
    case 'binary':
      return 2 * spec.scale;
    case 'fixed':
      return 2 ** -spec.fractionBits;
    case 'float':
      return floatStep(spec.mantissaBits, range.smallestNormal, spec.subnormals ? range.smallestSubnormal : range.smallestNormal, v);
  }
}

/**
 * Sum over i of |update_i| / step_i at the weights `values` (of a tensor of `shape`), and the
 * number of finite terms. Tensor formats use the scales their rule picks for `values`.
 */
export function updateInSteps(format: ElementFormat | TensorFormat | undefined, values: Float32Array, updates: Float32Array, shape: readonly number[]): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  const add = (update: number, step: number) => {
    const ratio = Math.abs(update) / step;
    if (Number.isFinite(ratio)) {
      sum += ratio;
      count++;
    }
  };
  if (format === undefined || !('element' in format)) {
    const element = (format as ElementFormat | undefined) ?? FLOAT32;
    const spec = element.spec;
    if (spec.kind !== 'float') {
      const step = elementStep(spec, element.range, 0);
      for (let i = 0; i < values.length; i++) add(updates[i], step);
      return { sum, count };
    }
    // The hot case (every float-weight parameter at every step): one inlined loop.
    const { mantissaBits } = spec;
    const { smallestNormal } = element.range;
    const belowNormal = spec.subnormals ? element.range.smallestSubnormal : smallestNormal;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v - v !== 0) continue; // NaN or infinite weight: no step
      const ratio = Math.abs(updates[i]) / floatStep(mantissaBits, smallestNormal, belowNormal, v);
      if (ratio - ratio === 0) {
        sum += ratio;
        count++;
      }
    }
    return { sum, count };
  }
  const { scales } = format.encode(values, { shape });
  const group = groupOf(format.spec as GroupSpec, shape);
  const element = format.element;
  for (let i = 0; i < values.length; i++) {
    const scale = scales[group(i)];
    add(updates[i], scale * elementStep(element.spec, element.range, values[i] / scale));
  }
  return { sum, count };
}

interface GroupSpec {
  kind: string;
  granularity?: 'tensor' | 'channel';
  axis?: number;
  blockSize?: number;
}

/**
 * The index of the scale of value i, in the order of `encode(...).scales`: one for the tensor, one
 * per index along the channel axis, or per block of `blockSize` along the axis with the scales
 * laid out as the shape with the axis replaced by its block count (formats' layout.ts).
 */
function groupOf(spec: GroupSpec, shape: readonly number[]): (i: number) => number {
  if (spec.kind === 'scaled' && spec.granularity === 'tensor') return () => 0;
  const rank = shape.length;
  const axis = (spec.axis ?? (spec.kind === 'block' ? -1 : 0)) < 0 ? (spec.axis ?? -1) + rank : (spec.axis ?? 0);
  const axisLength = shape[axis];
  let inner = 1;
  for (let k = axis + 1; k < rank; k++) inner *= shape[k];
  if (spec.kind === 'scaled') return (i) => Math.floor(i / inner) % axisLength;
  const blockSize = spec.blockSize ?? 32;
  const blocksPerLine = Math.ceil(axisLength / blockSize);
  return (i) => {
    const r = i % inner;
    const j = Math.floor(i / inner) % axisLength;
    const o = Math.floor(i / (inner * axisLength));
    return (o * blocksPerLine + Math.floor(j / blockSize)) * inner + r;
  };
}
