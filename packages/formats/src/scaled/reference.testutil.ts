/**
 * Test-only reference model of scaled and block formats, written independently of the kernel:
 * coordinates of every value, its group by plain arithmetic, max |x| by a filter, the scale rule
 * by Math.log2 on exact powers, and the element rounding one value at a time. Slow and obvious.
 */
import type { ElementFormat, QuantizeOptions } from '../types.js';

export interface ReferenceLayout {
  shape: number[];
  /** 'tensor', a channel axis, or blocks of `blockSize` along `axis`. */
  kind: 'tensor' | 'channel' | 'block';
  axis?: number;
  blockSize?: number;
}

/** The group of each flat index, in the documented scale order. */
export function referenceGroups(layout: ReferenceLayout): { groups: number[]; groupCount: number } {
  const { shape, kind } = layout;
  const size = shape.reduce((a, b) => a * b, 1);
  if (kind === 'tensor') return { groups: new Array<number>(size).fill(0), groupCount: 1 };
  const axis = (layout.axis ?? 0) < 0 ? (layout.axis ?? 0) + shape.length : (layout.axis ?? 0);
  const groupShape = [...shape];
  if (kind === 'channel') {
    return { groups: Array.from({ length: size }, (_, i) => coordinates(i, shape)[axis]), groupCount: shape[axis] };
  }
  const blockSize = layout.blockSize ?? 1;
  groupShape[axis] = Math.ceil(shape[axis] / blockSize);
  const groups = Array.from({ length: size }, (_, i) => {
    const at = coordinates(i, shape);
    at[axis] = Math.floor(at[axis] / blockSize);
    return flatIndex(at, groupShape);
  });
  return { groups, groupCount: groupShape.reduce((a, b) => a * b, 1) };
}

function coordinates(index: number, shape: number[]): number[] {
  const result = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    result[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return result;
}

function flatIndex(at: number[], shape: number[]): number {
  return at.reduce((flat, coordinate, d) => flat * shape[d] + coordinate, 0);
}

/** The scale of a group by the documented rules. */
export function referenceScale(values: number[], rule: 'power-of-two' | 'e8m0' | 'real', elementMax: number, margin = 0): number {
  if (values.some((x) => !Number.isFinite(x))) return NaN;
  const amax = Math.max(0, ...values.map(Math.abs));
  if (amax === 0) return rule === 'e8m0' ? 2 ** -127 : 1;
  if (rule === 'real') {
    const scale = Math.fround((amax * 2 ** margin) / elementMax);
    return scale === 0 ? 2 ** -149 : scale === Infinity ? NaN : scale;
  }
  let exponent: number;
  if (rule === 'e8m0') {
    exponent = Math.floor(Math.log2(amax)) - Math.floor(Math.log2(elementMax));
    // Math.log2 may round up just below a power of two: correct it.
    if (2 ** (exponent + Math.floor(Math.log2(elementMax))) > amax) exponent--;
  } else {
    exponent = -200;
    while (amax / 2 ** exponent > elementMax) exponent++;
  }
  exponent += margin;
  if (exponent > 127) return NaN;
  return 2 ** Math.max(exponent, -127);
}

/** quantize by the documented semantics, value by value. */
export function referenceQuantize(
  values: Float32Array,
  element: ElementFormat,
  layout: ReferenceLayout,
  scales: Float32Array,
  options: QuantizeOptions = {},
): Float32Array {
  const { groups } = referenceGroups(layout);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const scale = scales[groups[i]];
    let scaled = Math.fround(values[i] / scale);
    if (Number.isNaN(scale)) scaled = 0;
    else if (Number.isFinite(scaled)) scaled = Math.min(element.range.max, Math.max(element.range.min, scaled));
    const element1 = element.quantize(Float32Array.of(scaled), { ...options, offset: (options.offset ?? 0) + i })[0];
    out[i] = element1 * scale;
  }
  return out;
}

/** The reference scales of a tensor. */
export function referenceScales(
  values: Float32Array,
  layout: ReferenceLayout,
  rule: 'power-of-two' | 'e8m0' | 'real',
  elementMax: number,
  margin = 0,
): Float32Array {
  const { groups, groupCount } = referenceGroups(layout);
  const members: number[][] = Array.from({ length: groupCount }, () => []);
  groups.forEach((group, i) => members[group].push(values[i]));
  return Float32Array.from(members, (group) => referenceScale(group, rule, elementMax, margin));
}

/** Bitwise equality of float32 arrays, any NaN equal to any NaN; returns the first difference. */
export function firstDifference(actual: Float32Array, expected: Float32Array): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (!Object.is(a, b)) return `index ${i}: ${a} != ${b}`;
  }
  return undefined;
}

/** Deterministic test values: a mix of magnitudes and signs, with exact zeros. */
export function sampleValues(length: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return Float32Array.from({ length }, () => {
    const roll = next();
    if (roll < 0.05) return 0;
    const magnitude = 2 ** (next() * 24 - 12);
    return (roll < 0.5 ? -1 : 1) * magnitude;
  });
}
