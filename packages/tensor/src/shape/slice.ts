/**
 * Slicing with Python semantics per axis: start (inclusive), stop (exclusive) and step, each
 * optional; negative start/stop count from the end; a negative step walks backwards (default
 * start = last element, default stop = before the first). Out-of-range bounds are clamped, so
 * a slice is never an error, at worst empty.
 */
import { ArgumentError } from '../errors.js';

export interface SliceRange {
  start?: number;
  stop?: number;
  /** Non-zero; default 1. */
  step?: number;
}

export interface ResolvedSlice {
  /** First index taken per axis (0 when nothing is taken). */
  begin: number[];
  step: number[];
  outShape: number[];
}

/** Resolves one range (or undefined/null = the whole axis) per axis; missing trailing axes are whole. */
export function resolveSlice(op: string, shape: readonly number[], ranges: readonly (SliceRange | null | undefined)[]): ResolvedSlice {
  if (!Array.isArray(ranges)) throw new ArgumentError(op, 'ranges', ranges, 'an array with one { start, stop, step } per axis');
  if (ranges.length > shape.length) {
    throw new ArgumentError(op, 'ranges', `${ranges.length} ranges`, `at most one per axis (rank ${shape.length})`);
  }
  const begin: number[] = [];
  const step: number[] = [];
  const outShape: number[] = [];
  shape.forEach((size, axis) => {
    const range = ranges[axis] ?? {};
    const resolved = resolveRange(op, axis, size, range);
    begin.push(resolved.count === 0 ? 0 : resolved.first);
    step.push(resolved.step);
    outShape.push(resolved.count);
  });
  return { begin, step, outShape };
}

function resolveRange(op: string, axis: number, size: number, range: SliceRange): { first: number; step: number; count: number } {
  const step = range.step ?? 1;
  if (!Number.isSafeInteger(step) || step === 0) {
    throw new ArgumentError(op, `step of axis ${axis}`, range.step, 'a non-zero integer (negative walks backwards)');
  }
  for (const field of ['start', 'stop'] as const) {
    const value = range[field];
    if (value !== undefined && value !== null && !Number.isSafeInteger(value)) {
      throw new ArgumentError(op, `${field} of axis ${axis}`, value, 'an integer (negative counts from the end) or undefined');
    }
  }
  const lower = step > 0 ? 0 : -1;
  const upper = step > 0 ? size : size - 1;
  const clamp = (value: number | undefined, fallback: number): number => {
    if (value === undefined || value === null) return fallback;
    const index = value < 0 ? value + size : value;
    return Math.min(Math.max(index, lower), upper);
  };
  const first = clamp(range.start, step > 0 ? 0 : size - 1);
  const stop = clamp(range.stop, step > 0 ? size : -1);
  const count = Math.max(0, Math.ceil((stop - first) / step));
  return { first, step, count };
}
